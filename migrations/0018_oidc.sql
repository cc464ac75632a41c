-- Single sign-on through an OpenID Connect provider: users who sign in there, and logins in flight.

-- SSO users have no password; a local user always has one.
alter table users alter column password_hash drop not null;
alter table users
  add column auth_source text not null default 'local' check (auth_source in ('local', 'oidc')),
  add column oidc_issuer text,
  add column oidc_subject text;
alter table users
  add constraint users_password_by_source check ((auth_source = 'local') = (password_hash is not null)),
  add constraint users_oidc_identity check (
    (auth_source = 'oidc') = (oidc_issuer is not null and oidc_subject is not null)
  ),
  -- One orca user per person at a provider: (issuer, sub) is the identity, never the user name.
  add constraint users_oidc_subject_key unique (oidc_issuer, oidc_subject);

-- A login started at /auth/oidc/login and not yet back at the callback. Single use: the callback
-- deletes the row it takes, so a replayed state finds nothing.
create table oidc_logins (
  -- sha256 of the state parameter (the state itself travels in URLs)
  state_hash text primary key,
  -- sha256 of the random value in the starting browser's cookie: the callback must come back to it
  binding_hash text not null,
  code_verifier text not null,
  nonce text not null,
  redirect_uri text not null,
  return_to text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index oidc_logins_expires_idx on oidc_logins (expires_at);
