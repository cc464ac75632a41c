-- The audit log: every change made through the API (and by the scheduler), append-only.

create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  -- who: a user (session or API token), a trigger's caller, or orca itself (scheduler)
  actor text not null,
  user_id uuid references users (id) on delete set null,
  via text not null check (via in ('session', 'token', 'public', 'system')),
  address text,
  method text not null,
  -- the route pattern (`/api/v1/hosts/:id`) and the concrete path
  route text not null,
  path text not null,
  -- `hosts.update`, `runs.cancel`, … derived from method and route
  action text not null,
  target_id text,
  status integer not null,
  -- the request body, secrets replaced by ***; the object before and after for definitions
  request jsonb,
  before jsonb,
  after jsonb
);
create index audit_log_at_idx on audit_log (at desc, id desc);
create index audit_log_action_idx on audit_log (action, at desc);
create index audit_log_user_idx on audit_log (user_id, at desc);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the audit log is append-only'
    using errcode = 'restrict_violation';
end
$$;

create trigger audit_log_no_update before update on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_delete before delete on audit_log
  for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function audit_log_append_only();
