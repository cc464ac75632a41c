-- Inbound webhooks: a per-job URL that launches a run, authenticated by a secret token (or an
-- HMAC signature made with it), with an explicit mapping from the request's JSON to parameters.

create table job_triggers (
  id uuid primary key default gen_random_uuid(),
  job_id uuid not null references jobs (id) on delete cascade,
  name text not null,
  -- sha256 of the token (the token is shown once, at creation)
  token_hash text not null unique,
  token_prefix text not null,
  -- the token sealed by the vault, to check HMAC signatures made with it
  secret bytea not null,
  key_id text not null,
  -- parameter name -> path into the request body (`release.tag`, `commits[0].id`)
  mapping jsonb not null default '{}',
  -- fixed parameter values; mapped values win over them
  fixed_values jsonb not null default '{}',
  -- null: the job's default targets
  targets jsonb,
  -- null: the job's current version at each call
  version integer,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  unique (job_id, name)
);

create table trigger_invocations (
  id bigint generated always as identity primary key,
  trigger_id uuid not null references job_triggers (id) on delete cascade,
  at timestamptz not null default now(),
  remote_address text,
  -- the HTTP status answered
  status integer not null,
  run_id uuid references runs (id) on delete set null,
  error text
);
create index trigger_invocations_trigger_idx on trigger_invocations (trigger_id, at desc);
