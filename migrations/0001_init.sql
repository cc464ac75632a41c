-- Orca's initial schema. Append-only: never edit after it lands; add 0002_*.sql instead.

create table users (
  id uuid primary key default gen_random_uuid(),
  username text not null unique,
  password_hash text not null,
  role text not null check (role in ('admin', 'operator', 'viewer')),
  disabled boolean not null default false,
  created_at timestamptz not null default now()
);

create table sessions (
  -- sha256 of the cookie value; the value itself is never stored
  id_hash text primary key,
  user_id uuid not null references users (id) on delete cascade,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_idx on sessions (user_id);

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  name text not null,
  -- sha256 of the token; the token is shown once at creation
  token_hash text not null unique,
  prefix text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table credentials (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  kind text not null check (kind in ('password', 'ssh-key')),
  -- AES-256-GCM sealed JSON of the secret material, tagged with the master key's id
  secret bytea not null,
  key_id text not null,
  -- public metadata only (e.g. the public key fingerprint of an ssh-key)
  fingerprint text,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table hosts (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  address text not null,
  port integer not null check (port between 1 and 65535),
  os text not null default 'linux' check (os in ('linux', 'windows')),
  transport text not null default 'ssh' check (transport in ('ssh', 'winrm')),
  username text not null,
  credential_id uuid references credentials (id) on delete restrict,
  host_key_algorithm text,
  host_key_fingerprint text,
  -- the key presented on the last mismatch, waiting for a person to accept it
  pending_host_key_algorithm text,
  pending_host_key_fingerprint text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table workers (
  id text primary key,
  hostname text not null,
  pid integer not null,
  version text not null,
  concurrency integer not null,
  started_at timestamptz not null default now(),
  last_heartbeat_at timestamptz not null default now(),
  stopped_at timestamptz
);

create table runs (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('adhoc')),
  command text not null,
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  timeout_ms integer not null,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  cancel_requested_at timestamptz
);
create index runs_created_idx on runs (created_at desc);

create table executions (
  id uuid primary key default gen_random_uuid(),
  run_id uuid not null references runs (id) on delete cascade,
  host_id uuid references hosts (id) on delete set null,
  -- snapshot: the run's history stays readable when the host is renamed or removed
  host_name text not null,
  status text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'canceled', 'lost')),
  failure_kind text check (failure_kind in
    ('unreachable', 'auth', 'host-key', 'timeout', 'nonzero-exit', 'canceled', 'protocol', 'lost')),
  failure_message text,
  exit_code integer,
  worker_id text references workers (id) on delete set null,
  output_bytes bigint not null default 0,
  truncated_bytes bigint not null default 0,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index executions_run_idx on executions (run_id);
create index executions_running_idx on executions (worker_id) where status = 'running';

-- Append-only event log of each execution: output chunks and status changes, in order.
create table execution_events (
  execution_id uuid not null references executions (id) on delete cascade,
  seq integer not null,
  kind text not null check (kind in ('stdout', 'stderr', 'status', 'system')),
  data text not null,
  at timestamptz not null default now(),
  primary key (execution_id, seq)
);

-- "Test connection" requests: work for a worker, answered through this row.
create table host_checks (
  id uuid primary key default gen_random_uuid(),
  host_id uuid not null references hosts (id) on delete cascade,
  status text not null check (status in ('queued', 'succeeded', 'failed')),
  failure_kind text,
  message text,
  latency_ms integer,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
