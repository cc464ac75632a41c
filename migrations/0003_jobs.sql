-- Jobs: named definitions kept as immutable, numbered versions.

create table jobs (
  id uuid primary key default gen_random_uuid(),
  -- the current version's name; renaming is a new version
  name text not null unique,
  -- inactive jobs stay listed and versioned but are not exported (nor launched)
  active boolean not null default true,
  current_version integer not null,
  -- copied from the current version's definition, for search and filters
  description text,
  category text,
  tags text[] not null default '{}',
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index jobs_category_idx on jobs (category);
create index jobs_tags_idx on jobs using gin (tags);

create table job_versions (
  job_id uuid not null references jobs (id) on delete cascade,
  version integer not null check (version >= 1),
  -- the normalised JobDefinition
  definition jsonb not null,
  -- the document as submitted, for export and diff
  source text not null,
  source_format text not null check (source_format in ('yaml', 'json')),
  -- sha256 (hex) of the canonical JSON of the definition: equal hashes, equal definitions
  hash text not null check (hash ~ '^[0-9a-f]{64}$'),
  -- the author's username when the version was saved; a snapshot, as rows never change
  author text,
  created_at timestamptz not null default now(),
  primary key (job_id, version)
);

-- A job's current version exists; checked at commit, since the job row comes first.
alter table jobs
  add constraint jobs_current_version_fk foreign key (id, current_version)
  references job_versions (job_id, version) deferrable initially deferred;

-- Versions are never changed or removed, except with their job (the cascade of DELETE FROM jobs,
-- which runs after the job row is gone).
create function job_versions_immutable() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    if not exists (select 1 from jobs where id = old.job_id) then
      return old;
    end if;
  end if;
  raise exception 'job versions are immutable; save a new version instead'
    using errcode = 'restrict_violation';
end
$$;

create trigger job_versions_no_update before update on job_versions
  for each row execute function job_versions_immutable();
create trigger job_versions_no_delete before delete on job_versions
  for each row execute function job_versions_immutable();
create trigger job_versions_no_truncate before truncate on job_versions
  for each statement execute function job_versions_immutable();
