import type { FailureKind } from '../connectors/connector.ts';
import type { ExecutionStatus } from '../domain/status.ts';
import type { Db } from './pool.ts';
import { addTask, queuePriority, routed, Task } from './queue.ts';

export interface ClaimedExecution {
  readonly id: string;
  readonly runId: string;
  readonly hostId: string | null;
  readonly hostName: string;
  readonly runKind: 'adhoc' | 'job';
  /** The run's status when this execution was claimed. */
  readonly runStatus: string;
  /** The ad-hoc command; null in a job run. */
  readonly command: string | null;
  readonly timeoutMs: number;
  /** The next free sequence number of this execution's event log. */
  readonly nextSeq: number;
  /** The first step this task runs (job runs). */
  readonly nextStep: number;
  /** Output bytes stored by earlier tasks of this execution (stepFirst runs). */
  readonly outputBytes: number;
  readonly truncatedBytes: number;
}

export type ClaimResult =
  | { readonly kind: 'claimed'; readonly execution: ClaimedExecution }
  /** No longer queued (canceled meanwhile, skipped, or already taken): nothing to do. */
  | { readonly kind: 'gone' }
  /** Another exclusive execution holds the host: try again later. */
  | {
      readonly kind: 'busy';
      readonly heldBy: { readonly runId: string; readonly executionId: string } | null;
    };

const UNIQUE_VIOLATION = '23505';

/** Moves a queued execution to running under this worker. */
export async function claimExecution(db: Db, id: string, workerId: string): Promise<ClaimResult> {
  let row: ClaimRow | undefined;
  try {
    row = await claimRow(db, id, workerId);
  } catch (e) {
    if ((e as { code?: unknown }).code !== UNIQUE_VIOLATION) throw e;
    return { kind: 'busy', heldBy: await hostHolder(db, id) };
  }
  if (!row) return { kind: 'gone' };
  return {
    kind: 'claimed',
    execution: {
      id: row.id,
      runId: row.run_id,
      hostId: row.host_id,
      hostName: row.host_name,
      runKind: row.kind,
      runStatus: row.run_status,
      command: row.command,
      timeoutMs: row.timeout_ms,
      nextSeq: Number(row.last_seq ?? 0) + 1,
      nextStep: row.next_step,
      outputBytes: Number(row.output_bytes),
      truncatedBytes: Number(row.truncated_bytes),
    },
  };
}

type ClaimRow = NonNullable<Awaited<ReturnType<typeof claimRow>>>;

function claimRow(db: Db, id: string, workerId: string) {
  return db
    .updateTable('executions as e')
    .from('runs as r')
    .set((eb) => ({
      status: 'running',
      worker_id: workerId,
      started_at: eb.fn.coalesce('e.started_at', eb.val(new Date())),
    }))
    .whereRef('r.id', '=', 'e.run_id')
    .where('e.id', '=', id)
    .where('e.status', '=', 'queued')
    .returning([
      'e.id',
      'e.run_id',
      'e.host_id',
      'e.host_name',
      'e.next_step',
      'e.output_bytes',
      'e.truncated_bytes',
      'r.kind',
      'r.status as run_status',
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
}

/** The exclusive execution that holds the host of execution `id`, if one still does. */
async function hostHolder(db: Db, id: string): Promise<{ runId: string; executionId: string } | null> {
  const row = await db
    .selectFrom('executions as mine')
    .innerJoin('executions as other', 'other.host_id', 'mine.host_id')
    .select(['other.id', 'other.run_id'])
    .where('mine.id', '=', id)
    .where('other.id', '!=', id)
    .where('other.exclusive', '=', true)
    .where((eb) =>
      eb.or([
        eb('other.status', '=', 'running'),
        eb.and([eb('other.status', '=', 'queued'), eb('other.next_step', '>', 0)]),
      ]),
    )
    .executeTakeFirst();
  return row ? { runId: row.run_id, executionId: row.id } : null;
}

/** Puts an execution back in the queue after a delay (its host was busy). */
export async function requeueLater(db: Db, id: string, delayMs: number): Promise<void> {
  const run = await db
    .selectFrom('executions as e')
    .innerJoin('runs as r', 'r.id', 'e.run_id')
    .select(['r.priority', 'e.pool'])
    .where('e.id', '=', id)
    .executeTakeFirst();
  await addTask(
    db,
    routed(Task.execute, run?.pool ?? null),
    { executionId: id },
    new Date(Date.now() + delayMs),
    queuePriority(run?.priority ?? 0),
  );
}

/**
 * A stepFirst execution between steps: back to queued (it keeps its host), not dispatched, with
 * the next step to run and the output counted so far. False if this worker no longer holds it.
 */
export async function releaseExecution(
  db: Db,
  id: string,
  workerId: string,
  o: { nextStep: number; outputBytes: number; truncatedBytes: number },
): Promise<boolean> {
  const r = await db
    .updateTable('executions')
    .set({
      status: 'queued',
      worker_id: null,
      dispatched_at: null,
      next_step: o.nextStep,
      output_bytes: o.outputBytes,
      truncated_bytes: o.truncatedBytes,
    })
    .where('id', '=', id)
    .where('worker_id', '=', workerId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Records that the steps before `nextStep` are done (hostFirst runs, as they go). */
export async function recordProgress(db: Db, id: string, workerId: string, nextStep: number): Promise<void> {
  await db
    .updateTable('executions')
    .set({ next_step: nextStep })
    .where('id', '=', id)
    .where('worker_id', '=', workerId)
    .where('status', '=', 'running')
    .execute();
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
