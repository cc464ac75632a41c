-- Inventory: hosts carry tags and key/value labels and belong to groups; groups nest.

alter table hosts
  add column tags text[] not null default '{}',
  add column labels jsonb not null default '{}',
  add constraint hosts_labels_object check (jsonb_typeof(labels) = 'object');
create index hosts_tags_idx on hosts using gin (tags);

create table host_groups (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  description text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Nesting: a child group's hosts are hosts of its parent too. Cycles are refused by the API.
create table host_group_children (
  parent_id uuid not null references host_groups (id) on delete cascade,
  child_id uuid not null references host_groups (id) on delete cascade,
  primary key (parent_id, child_id),
  constraint host_group_children_not_self check (parent_id <> child_id)
);
create index host_group_children_child_idx on host_group_children (child_id);

create table host_group_members (
  group_id uuid not null references host_groups (id) on delete cascade,
  host_id uuid not null references hosts (id) on delete cascade,
  primary key (group_id, host_id)
);
create index host_group_members_host_idx on host_group_members (host_id);
