import { sql } from 'kysely';
import type { FailureKind } from '../connectors/connector.ts';
import { deriveRunStatus, type ExecutionStatus, isFinalRun, type RunStatus } from '../domain/status.ts';
import type { Execution, Run, RunDetail } from '../http/schemas.ts';
import type { Db } from './pool.ts';
import { addTasks, Task } from './queue.ts';

function selectRuns(db: Db) {
  return db
    .selectFrom('runs as r')
    .leftJoin('users as u', 'u.id', 'r.created_by')
    .select([
      'r.id',
      'r.kind',
      'r.command',
      'r.status',
      'r.timeout_ms',
      'u.username as created_by',
      'r.created_at',
      'r.started_at',
      'r.finished_at',
    ])
    .select(
      sql<Record<string, number>>`(select coalesce(json_object_agg(s.status, s.n), '{}'::json) from
        (select e.status, count(*)::int as n from executions e where e.run_id = r.id group by e.status) s)`.as(
        'counts',
      ),
    );
}
type RunRow = Awaited<ReturnType<ReturnType<typeof selectRuns>['executeTakeFirstOrThrow']>>;

const toRun = (r: RunRow): Run => {
  const c = r.counts;
  const n = (k: string) => c[k] ?? 0;
  return {
    id: r.id,
    kind: r.kind,
    command: r.command,
    status: r.status as RunStatus,
    timeoutMs: r.timeout_ms,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    counts: {
      total: Object.values(c).reduce((a, b) => a + b, 0),
      queued: n('queued'),
      running: n('running'),
      succeeded: n('succeeded'),
      failed: n('failed'),
      canceled: n('canceled'),
      lost: n('lost'),
    },
  };
};

const EXECUTION_COLUMNS = [
  'id',
  'host_id',
  'host_name',
  'status',
  'failure_kind',
  'failure_message',
  'exit_code',
  'output_bytes',
  'truncated_bytes',
  'created_at',
  'started_at',
  'finished_at',
] as const;

export async function listExecutions(db: Db, runId: string): Promise<Execution[]> {
  const rows = await db
    .selectFrom('executions')
    .select(EXECUTION_COLUMNS)
    .where('run_id', '=', runId)
    .orderBy('host_name')
    .orderBy('id')
    .execute();
  return rows.map((e) => ({
    id: e.id,
    hostId: e.host_id,
    hostName: e.host_name,
    status: e.status as ExecutionStatus,
    failureKind: e.failure_kind as FailureKind | null,
    failureMessage: e.failure_message,
    exitCode: e.exit_code,
    outputBytes: Number(e.output_bytes),
    truncatedBytes: Number(e.truncated_bytes),
    createdAt: e.created_at.toISOString(),
    startedAt: e.started_at?.toISOString() ?? null,
    finishedAt: e.finished_at?.toISOString() ?? null,
  }));
}

export async function getRun(db: Db, id: string): Promise<RunDetail | undefined> {
  const row = await selectRuns(db).where('r.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return { ...toRun(row), executions: await listExecutions(db, id) };
}

export async function listRuns(
  db: Db,
  q: { limit: number; before?: string | undefined; status?: string | undefined },
): Promise<Run[]> {
  let query = selectRuns(db).orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(q.limit);
  if (q.before) query = query.where('r.created_at', '<', new Date(q.before));
  if (q.status) query = query.where('r.status', '=', q.status);
  return (await query.execute()).map(toRun);
}

/**
 * Creates the run, one execution per host, and the queue's tasks in one transaction:
 * a run never exists without its work, nor work without its run.
 */
export async function createAdhocRun(
  db: Db,
  r: {
    command: string;
    timeoutMs: number;
    createdBy: string | null;
    hosts: readonly { id: string; name: string }[];
  },
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .insertInto('runs')
      .values({
        kind: 'adhoc',
        command: r.command,
        status: 'queued',
        timeout_ms: r.timeoutMs,
        created_by: r.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const executions = await trx
      .insertInto('executions')
      .values(r.hosts.map((h) => ({ run_id: run.id, host_id: h.id, host_name: h.name, status: 'queued' })))
      .returning('id')
      .execute();
    await addTasks(
      trx,
      Task.execute,
      executions.map((e) => ({ executionId: e.id })),
    );
    return run.id;
  });
}

/**
 * Recomputes a run's status from its executions under a row lock (several workers finish
 * executions of one run at once). Returns the new status when it changed.
 */
export async function refreshRunStatus(db: Db, runId: string): Promise<RunStatus | null> {
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .selectFrom('runs')
      .select(['status', 'cancel_requested_at', 'started_at'])
      .where('id', '=', runId)
      .forUpdate()
      .executeTakeFirst();
    if (!run) return null;
    const statuses = await trx
      .selectFrom('executions')
      .select('status')
      .where('run_id', '=', runId)
      .execute();
    const next = deriveRunStatus(
      statuses.map((s) => s.status),
      run.cancel_requested_at !== null,
    );
    if (next === run.status) return null;
    const now = new Date();
    await trx
      .updateTable('runs')
      .set({
        status: next,
        ...(next !== 'queued' && !run.started_at && { started_at: now }),
        ...(isFinalRun(next) && { finished_at: now }),
      })
      .where('id', '=', runId)
      .execute();
    return next;
  });
}

/**
 * Marks the run canceled-by-request and cancels its queued executions in place; returns the ids
 * of the running ones, which their workers must stop.
 */
export async function requestCancel(db: Db, runId: string): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('runs')
      .set({ cancel_requested_at: new Date() })
      .where('id', '=', runId)
      .where('cancel_requested_at', 'is', null)
      .where('status', 'in', ['queued', 'running'])
      .execute();
    await trx
      .updateTable('executions')
      .set({
        status: 'canceled',
        failure_kind: 'canceled',
        failure_message: 'canceled before it started',
        finished_at: new Date(),
      })
      .where('run_id', '=', runId)
      .where('status', '=', 'queued')
      .execute();
    const running = await trx
      .selectFrom('executions')
      .select('id')
      .where('run_id', '=', runId)
      .where('status', '=', 'running')
      .execute();
    return running.map((r) => r.id);
  });
}
