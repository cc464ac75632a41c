import type { FailureKind } from '../connectors/connector.ts';
import type { ExecutionStatus } from '../domain/status.ts';
import type { Db } from './pool.ts';

export interface ClaimedExecution {
  readonly id: string;
  readonly runId: string;
  readonly hostId: string | null;
  readonly hostName: string;
  readonly command: string;
  readonly timeoutMs: number;
  /** The next free sequence number of this execution's event log. */
  readonly nextSeq: number;
}

/**
 * Moves a queued execution to running under this worker. Returns undefined when it is no longer
 * queued (canceled meanwhile, or already taken): the task then has nothing to do.
 */
export async function claimExecution(
  db: Db,
  id: string,
  workerId: string,
): Promise<ClaimedExecution | undefined> {
  const row = await db
    .updateTable('executions as e')
    .from('runs as r')
    .set({ status: 'running', worker_id: workerId, started_at: new Date() })
    .whereRef('r.id', '=', 'e.run_id')
    .where('e.id', '=', id)
    .where('e.status', '=', 'queued')
    .returning([
      'e.id',
      'e.run_id',
      'e.host_id',
      'e.host_name',
      'r.command',
      'r.timeout_ms',
      (eb) =>
        eb
          .selectFrom('execution_events as ev')
          .select((x) => x.fn.coalesce(x.fn.max('ev.seq'), x.lit(0)).as('m'))
          .whereRef('ev.execution_id', '=', 'e.id')
          .as('last_seq'),
    ])
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    runId: row.run_id,
    hostId: row.host_id,
    hostName: row.host_name,
    command: row.command,
    timeoutMs: row.timeout_ms,
    nextSeq: Number(row.last_seq ?? 0) + 1,
  };
}

export interface ExecutionOutcome {
  readonly status: Exclude<ExecutionStatus, 'queued' | 'running'>;
  readonly exitCode: number | null;
  readonly failureKind: FailureKind | null;
  readonly failureMessage: string | null;
  readonly outputBytes: number;
  readonly truncatedBytes: number;
}

/** Records the end of an execution this worker holds; false if it no longer holds it. */
export async function finishExecution(
  db: Db,
  id: string,
  workerId: string,
  o: ExecutionOutcome,
): Promise<boolean> {
  const r = await db
    .updateTable('executions')
    .set({
      status: o.status,
      exit_code: o.exitCode,
      failure_kind: o.failureKind,
      failure_message: o.failureMessage,
      output_bytes: o.outputBytes,
      truncated_bytes: o.truncatedBytes,
      finished_at: new Date(),
    })
    .where('id', '=', id)
    .where('worker_id', '=', workerId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function isCancelRequested(db: Db, runId: string): Promise<boolean> {
  const row = await db
    .selectFrom('runs')
    .select('cancel_requested_at')
    .where('id', '=', runId)
    .executeTakeFirst();
  return row?.cancel_requested_at != null;
}
