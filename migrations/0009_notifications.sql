-- Notifications: rules saying who hears about which runs, and the log of every delivery.

create table notification_rules (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  -- null: every run (ad-hoc runs included); else only runs of this job
  job_id uuid references jobs (id) on delete cascade,
  events text[] not null check (
    cardinality(events) > 0 and events <@ array['start', 'success', 'failure', 'cancel']::text[]
  ),
  kind text not null check (kind in ('webhook', 'email')),
  url text,
  recipients text[],
  -- webhook only: the HMAC key of the signature header, sealed by the vault
  secret bytea,
  key_id text,
  enabled boolean not null default true,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notification_rules_target check (
    (kind = 'webhook' and url is not null and recipients is null)
    or (kind = 'email' and recipients is not null and url is null and secret is null)
  ),
  constraint notification_rules_secret_key check ((secret is null) = (key_id is null))
);
create index notification_rules_job_idx on notification_rules (job_id);

create table notification_deliveries (
  id uuid primary key default gen_random_uuid(),
  rule_id uuid not null references notification_rules (id) on delete cascade,
  run_id uuid not null references runs (id) on delete cascade,
  event text not null check (event in ('start', 'success', 'failure', 'cancel')),
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  last_error text,
  -- the HTTP status of the last webhook answer, when there was one
  response_status integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  delivered_at timestamptz,
  unique (rule_id, run_id, event)
);
create index notification_deliveries_created_idx on notification_deliveries (created_at desc);
create index notification_deliveries_run_idx on notification_deliveries (run_id);
