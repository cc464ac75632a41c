-- Schedules: a job (a pinned version or the latest) with parameter values and targets, fired on a
-- cron expression in an IANA time zone. Each fire time is one schedule_fires row; its unique key
-- (schedule_id, fire_at) is what makes a fire time start at most one run across many servers.

create table schedules (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  job_id uuid not null references jobs (id) on delete cascade,
  -- null: the job's current version when the schedule fires
  version integer check (version is null or version >= 1),
  -- parameter values, secrets excepted
  parameters jsonb not null default '{}',
  -- the secret parameters' values, sealed by the vault (AAD schedule-parameters:<id>)
  secret_parameters bytea,
  secret_key_id text,
  -- the names of the sealed values (shown as ***)
  secret_names text[] not null default '{}',
  -- the target selection (names, globs, selector); null: the job's default targets
  targets jsonb,
  cron text not null,
  time_zone text not null default 'UTC',
  overlap text not null default 'skip' check (overlap in ('skip', 'queue', 'allow')),
  misfire text not null default 'skip' check (misfire in ('skip', 'run-once')),
  enabled boolean not null default true,
  last_fire_at timestamptz,
  -- null while disabled or when the expression has no future fire time
  next_fire_at timestamptz,
  last_run_id uuid references runs (id) on delete set null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint schedules_secret_fields check ((secret_parameters is null) = (secret_key_id is null))
);
create index schedules_due_idx on schedules (next_fire_at) where enabled;
create index schedules_job_idx on schedules (job_id);

-- One row per fire time that was acted on. `launching`: claimed, the run is being created;
-- `started`: run_id is the run; `waiting`: overlap `queue`, starts when the previous run ends;
-- `skipped`: overlap `skip` (message says why); `failed`: the launch failed (message);
-- `missed`: misfire `skip` after downtime, one row for all the missed times (message).
create table schedule_fires (
  id uuid primary key default gen_random_uuid(),
  schedule_id uuid not null references schedules (id) on delete cascade,
  fire_at timestamptz not null,
  status text not null
    check (status in ('launching', 'started', 'waiting', 'skipped', 'failed', 'missed')),
  run_id uuid references runs (id) on delete set null,
  message text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (schedule_id, fire_at)
);
create index schedule_fires_history_idx on schedule_fires (schedule_id, fire_at desc);
create index schedule_fires_open_idx on schedule_fires (status) where status in ('launching', 'waiting');
