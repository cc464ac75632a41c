-- Job runs: a run of one job version with parameter values, per-host executions that go through
-- the job's steps under its strategy, per-step results, and artifacts downloaded from hosts.

alter table runs drop constraint runs_kind_check;
alter table runs add constraint runs_kind_check check (kind in ('adhoc', 'job'));
-- a job run has no single command: its steps are in the job version
alter table runs alter column command drop not null;
alter table runs
  add column job_id uuid references jobs (id) on delete restrict,
  add column job_version integer,
  -- parameter values, secrets excepted
  add column parameters jsonb not null default '{}',
  -- the secret parameters' values, sealed by the vault (JSON object), and the key that sealed them
  add column secret_parameters bytea,
  add column secret_key_id text,
  -- the target selection as asked for (names, globs, selector)
  add column targets jsonb,
  -- the run this one retries or re-runs, and which of the two
  add column retry_of uuid references runs (id) on delete set null,
  add column retry_mode text check (retry_mode in ('failed', 'all')),
  add constraint runs_job_version_fk foreign key (job_id, job_version)
    references job_versions (job_id, version) on delete restrict,
  add constraint runs_job_fields check ((kind = 'job') = (job_id is not null and job_version is not null)),
  add constraint runs_adhoc_command check (kind = 'job' or command is not null),
  add constraint runs_retry_fields check (retry_of is null or retry_mode is not null);
create index runs_job_idx on runs (job_id, created_at desc) where job_id is not null;

-- `skipped`: the run's failure threshold stopped this host before it began.
alter table executions drop constraint executions_status_check;
alter table executions add constraint executions_status_check
  check (status in ('queued', 'running', 'succeeded', 'failed', 'canceled', 'lost', 'skipped'));
alter table executions
  -- the host's place in the run's target order, and its rolling batch (0-based)
  add column position integer not null default 0,
  add column batch integer not null default 0,
  -- index of the next step this host runs; steps before it have results
  add column next_step integer not null default 0,
  -- when its task was added to the queue; null while the strategy holds it back
  add column dispatched_at timestamptz,
  -- this execution may not share its host with another exclusive one
  add column exclusive boolean not null default false;
update executions set dispatched_at = created_at;

-- Per-host mutual exclusion: one exclusive execution per host between its first step and its
-- end (a stepFirst execution waiting between steps is queued with next_step > 0 and still holds
-- the host). A second claim fails with unique_violation and waits.
create unique index executions_host_exclusive_idx on executions (host_id)
  where exclusive and (status = 'running' or (status = 'queued' and next_step > 0));
create index executions_waiting_idx on executions (run_id) where dispatched_at is null;

-- Which step an event belongs to (null: ad-hoc runs and events outside any step).
alter table execution_events add column step integer;

create table step_results (
  execution_id uuid not null references executions (id) on delete cascade,
  step_index integer not null check (step_index >= 0),
  step_id text not null,
  step_name text not null,
  step_type text not null,
  status text not null check (status in ('running', 'succeeded', 'failed', 'skipped', 'canceled')),
  -- attempts made, retries included
  attempts integer not null default 0,
  exit_code integer,
  failure_kind text,
  failure_message text,
  -- failed, but the step has continueOnError: later steps go on as if it succeeded
  tolerated boolean not null default false,
  -- what later steps may use as ${{ steps.<id>.* }}: masked, capped
  outputs jsonb,
  started_at timestamptz,
  finished_at timestamptz,
  primary key (execution_id, step_index)
);

-- Files downloaded from hosts by `download` steps, kept in the database in chunks.
create table artifacts (
  id uuid primary key default gen_random_uuid(),
  run_id uuid not null references runs (id) on delete cascade,
  execution_id uuid not null references executions (id) on delete cascade,
  step_index integer not null,
  name text not null,
  size bigint not null default 0,
  sha256 text,
  -- false until every chunk is stored
  complete boolean not null default false,
  created_at timestamptz not null default now(),
  unique (execution_id, name)
);
create index artifacts_run_idx on artifacts (run_id);

create table artifact_chunks (
  artifact_id uuid not null references artifacts (id) on delete cascade,
  seq integer not null,
  data bytea not null,
  primary key (artifact_id, seq)
);
