-- A host may have a password for sudo (become steps) apart from the credential it logs in with.
alter table hosts
  add column become_credential_id uuid references credentials (id) on delete restrict;
