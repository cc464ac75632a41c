-- Projects scope hosts, groups, credentials and jobs (and through jobs: runs, schedules, triggers,
-- notification rules). A user who is not an admin sees a project's resources only as a member;
-- their rights there are the lesser of their global role and their membership role.
-- The default project has a fixed id: it is the column default, so inserts that name no
-- project land in it, and an install upgraded to this schema keeps working as before.

create table projects (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
  description text not null default '',
  created_at timestamptz not null default now()
);

insert into projects (id, name, description)
values ('00000000-0000-4000-8000-000000000001', 'default', 'Everything that names no other project');

create table project_members (
  project_id uuid not null references projects (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('operator', 'viewer')),
  created_at timestamptz not null default now(),
  primary key (project_id, user_id)
);
create index project_members_user_idx on project_members (user_id);

-- Every existing user joins the default project as an operator: the membership caps, the global
-- role still limits, so each keeps exactly the rights they had.
insert into project_members (project_id, user_id, role)
select '00000000-0000-4000-8000-000000000001', id, 'operator' from users;

-- So do users created later, by whatever path (local, SSO, the first admin): a single-project
-- install needs no membership management. An admin confines a user by removing this membership.
create function project_members_join_default() returns trigger language plpgsql as $$
begin
  insert into project_members (project_id, user_id, role)
  values ('00000000-0000-4000-8000-000000000001', new.id, 'operator')
  on conflict do nothing;
  return new;
end $$;
create trigger users_join_default_project after insert on users
  for each row execute function project_members_join_default();

alter table hosts add column project_id uuid not null
  default '00000000-0000-4000-8000-000000000001' references projects (id) on delete restrict;
alter table host_groups add column project_id uuid not null
  default '00000000-0000-4000-8000-000000000001' references projects (id) on delete restrict;
alter table credentials add column project_id uuid not null
  default '00000000-0000-4000-8000-000000000001' references projects (id) on delete restrict;
alter table jobs add column project_id uuid not null
  default '00000000-0000-4000-8000-000000000001' references projects (id) on delete restrict;
-- A run keeps the project it ran in (its job's, or the ad-hoc run's), even if the job moves.
alter table runs add column project_id uuid not null
  default '00000000-0000-4000-8000-000000000001' references projects (id) on delete restrict;

create index hosts_project_idx on hosts (project_id);
create index host_groups_project_idx on host_groups (project_id);
create index credentials_project_idx on credentials (project_id);
create index jobs_project_idx on jobs (project_id);
create index runs_project_created_idx on runs (project_id, created_at desc);
