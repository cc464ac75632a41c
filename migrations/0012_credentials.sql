-- Who last changed a credential (its name or its secret); shown with updated_at, never the secret.
alter table credentials add column updated_by uuid references users (id) on delete set null;
update credentials set updated_by = created_by;
