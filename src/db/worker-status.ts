/** Workers as the API shows them, and what the executor has queued and running. */
import { sql } from 'kysely';
import type { ExecutorStatus, WorkerView } from '../http/worker-schemas.ts';
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
    startedAt: w.started_at.toISOString(),
    lastHeartbeatAt: w.last_heartbeat_at.toISOString(),
    stoppedAt: w.stopped_at?.toISOString() ?? null,
    state: w.stopped_at
      ? 'stopped'
      : now - w.last_heartbeat_at.getTime() > leaseTimeoutMs
        ? 'silent'
        : 'alive',
  }));
}

export async function executorStatus(db: Db, leaseTimeoutMs: number): Promise<ExecutorStatus> {
  const [executions, tasks, workers] = await Promise.all([
    sql<{ queued: number; pending: number; running: number }>`
      select count(*) filter (where status = 'queued' and dispatched_at is not null)::int as queued,
             count(*) filter (where status = 'queued' and dispatched_at is null)::int as pending,
             count(*) filter (where status = 'running')::int as running
      from executions where status in ('queued', 'running')`.execute(db),
    sql<{ identifier: string; n: number }>`
      select task_identifier as identifier, count(*)::int as n from graphile_worker.jobs
      where locked_at is null and attempts < max_attempts
      group by 1`.execute(db),
    listWorkers(db, leaseTimeoutMs),
  ]);
  const e = executions.rows[0] ?? { queued: 0, pending: 0, running: 0 };
  const alive = workers.filter((w) => w.state === 'alive');
  return {
    queued: e.queued,
    pending: e.pending,
    running: e.running,
    workers: {
      alive: alive.length,
      silent: workers.filter((w) => w.state === 'silent').length,
      capacity: alive.reduce((a, w) => a + w.concurrency, 0),
    },
    tasks: Object.fromEntries(tasks.rows.map((t) => [t.identifier, t.n])),
  };
}
