-- Bastions, health and facts of hosts.

alter table hosts
  -- the host connections go through (ProxyJump); a bastion in use cannot be deleted
  add column jump_host_id uuid references hosts (id) on delete restrict,
  add constraint hosts_jump_not_self check (jump_host_id <> id),
  -- the last connectivity check, periodic or by hand
  add column health_status text not null default 'unknown' check (health_status in ('up', 'down', 'unknown')),
  add column health_latency_ms integer,
  add column health_failure_kind text check (health_failure_kind in
    ('unreachable', 'auth', 'host-key', 'timeout', 'nonzero-exit', 'canceled', 'protocol', 'lost')),
  add column health_message text,
  add column health_checked_at timestamptz,
  -- hostname, OS, kernel, architecture as the host reported them
  add column facts jsonb,
  add column facts_gathered_at timestamptz;

create index hosts_jump_host_idx on hosts (jump_host_id) where jump_host_id is not null;
create index hosts_health_checked_idx on hosts (health_checked_at nulls first);

-- who asked: a person ("test connection") or the periodic health sweep
alter table host_checks
  add column source text not null default 'manual' check (source in ('manual', 'health'));
create index host_checks_queued_idx on host_checks (host_id) where status = 'queued';
