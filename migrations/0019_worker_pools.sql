-- Worker pools: a host may be routed to a pool (a worker tag `key=value`); only workers with
-- that tag run its executions and checks. Null: any worker.
alter table hosts
  add column pool text check (pool ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}=[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$');
create index hosts_pool on hosts (pool) where pool is not null;

-- What a worker serves (its tags; pool_only: not the unrouted hosts), and when it began to drain.
alter table workers
  add column tags text[] not null default '{}',
  add column pool_only boolean not null default false,
  add column stopping_at timestamptz;

-- The pool an execution was routed to when it was last handed to the queue.
alter table executions add column pool text;
