-- Run priority: when workers are saturated, executions of higher-priority runs start first.
alter table runs
  add column priority integer not null default 0 check (priority between -100 and 100);
