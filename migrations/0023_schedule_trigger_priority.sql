-- Runs started by a schedule or a trigger take the priority set on it (as a launch by hand does).
alter table schedules add column priority integer not null default 0 check (priority between -100 and 100);
alter table job_triggers add column priority integer not null default 0 check (priority between -100 and 100);
