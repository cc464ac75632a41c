-- Users administration: last login, and tokens that carry a role no higher than their creator's.
alter table users
  add column last_login_at timestamptz,
  add column updated_at timestamptz not null default now();

-- null: the token acts with its user's role; otherwise with the lower of the two.
alter table api_tokens
  add column role text check (role in ('admin', 'operator', 'viewer'));

-- Failed-login counters, shared by every server. One row per scope and subject:
-- 'pair' (user name + client address), 'address' (across accounts), 'account' (across addresses).
create table login_throttle (
  scope text not null check (scope in ('pair', 'address', 'account')),
  subject text not null,
  username text,
  address text,
  failures integer not null default 0,
  last_failure_at timestamptz,
  locked_until timestamptz,
  -- pair rows: the last successful login from this address (such addresses skip the account throttle)
  last_success_at timestamptz,
  primary key (scope, subject)
);
create index login_throttle_username_idx on login_throttle (username);
