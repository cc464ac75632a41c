/** Workers as the API shows them, and what the executor has queued and running, per pool. */
import { sql } from 'kysely';
import { poolProblem, servesPool } from '../domain/pools.ts';
import type { ExecutorStatus, PoolStatus, WorkerView } from '../http/worker-schemas.ts';
import type { Db } from './pool.ts';

export async function listWorkers(db: Db, leaseTimeoutMs: number): Promise<WorkerView[]> {
  const rows = await db
    .selectFrom('workers as w')
    .selectAll('w')
    .select(
      sql<number>`(select count(*)::int from executions e where e.worker_id = w.id and e.status = 'running')`.as(
        'running',
      ),
    )
    .orderBy('w.stopped_at', (o) => o.desc().nullsFirst())
    .orderBy('w.started_at', 'desc')
    .execute();
  const now = Date.now();
  return rows.map((w) => ({
    id: w.id,
    hostname: w.hostname,
    pid: w.pid,
    version: w.version,
    concurrency: w.concurrency,
    running: w.running,
    tags: w.tags,
    poolOnly: w.pool_only,
    startedAt: w.started_at.toISOString(),
    lastHeartbeatAt: w.last_heartbeat_at.toISOString(),
    stoppingAt: w.stopping_at?.toISOString() ?? null,
    stoppedAt: w.stopped_at?.toISOString() ?? null,
    state: w.stopped_at
      ? 'stopped'
      : now - w.last_heartbeat_at.getTime() > leaseTimeoutMs
        ? 'silent'
        : w.stopping_at
          ? 'stopping'
          : 'alive',
  }));
}

export async function executorStatus(db: Db, leaseTimeoutMs: number): Promise<ExecutorStatus> {
  const [executions, byPool, hostPools, tasks, workers] = await Promise.all([
    sql<{ queued: number; pending: number; running: number }>`
      select count(*) filter (where status = 'queued' and dispatched_at is not null)::int as queued,
             count(*) filter (where status = 'queued' and dispatched_at is null)::int as pending,
             count(*) filter (where status = 'running')::int as running
      from executions where status in ('queued', 'running')`.execute(db),
    sql<{ pool: string | null; queued: number; running: number }>`
      select pool,
             count(*) filter (where status = 'queued' and dispatched_at is not null)::int as queued,
             count(*) filter (where status = 'running')::int as running
      from executions where status in ('queued', 'running') group by pool`.execute(db),
    sql<{ pool: string }>`select distinct pool from hosts where pool is not null`.execute(db),
    sql<{ identifier: string; n: number }>`
      select task_identifier as identifier, count(*)::int as n from graphile_worker.jobs
      where locked_at is null and attempts < max_attempts
      group by 1`.execute(db),
    listWorkers(db, leaseTimeoutMs),
  ]);
  const e = executions.rows[0] ?? { queued: 0, pending: 0, running: 0 };
  const alive = workers.filter((w) => w.state === 'alive');
  const live = workers.filter((w) => w.state === 'alive' || w.state === 'stopping');
  return {
    queued: e.queued,
    pending: e.pending,
    running: e.running,
    workers: {
      alive: alive.length,
      stopping: workers.filter((w) => w.state === 'stopping').length,
      silent: workers.filter((w) => w.state === 'silent').length,
      capacity: alive.reduce((a, w) => a + w.concurrency, 0),
    },
    pools: poolsOf(
      byPool.rows,
      hostPools.rows.map((r) => r.pool),
      alive,
    ),
    perWorker: live.map((w) => ({
      id: w.id,
      state: w.state,
      tags: w.tags,
      poolOnly: w.poolOnly,
      running: w.running,
      concurrency: w.concurrency,
    })),
    tasks: Object.fromEntries(tasks.rows.map((t) => [t.identifier, t.n])),
  };
}

/** Hosts with no pool first, then every pool of a host, an execution or an alive worker, by name. */
function poolsOf(
  load: readonly { pool: string | null; queued: number; running: number }[],
  hostPools: readonly string[],
  alive: readonly WorkerView[],
): PoolStatus[] {
  const names = new Set<string>([
    ...hostPools,
    ...alive.flatMap((w) => w.tags),
    ...load.flatMap((l) => (l.pool === null ? [] : [l.pool])),
  ]);
  return [null, ...[...names].sort()].map((pool) => {
    const l = load.find((x) => x.pool === pool) ?? { queued: 0, running: 0 };
    const serving = alive.filter((w) => servesPool(w, pool));
    return {
      pool,
      queued: l.queued,
      running: l.running,
      workers: serving.length,
      capacity: serving.reduce((a, w) => a + w.concurrency, 0),
      problem:
        l.queued > 0 || pool !== null ? poolProblem(pool, serving.length, l.queued, alive.length) : null,
    };
  });
}
