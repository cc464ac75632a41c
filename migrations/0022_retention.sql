-- Retention sweeps find old finished runs and old artifacts by age.
create index runs_finished_idx on runs (finished_at) where finished_at is not null;
create index artifacts_created_idx on artifacts (created_at);
