/**
 * Hands a run's executions to the queue as its strategy allows (src/domain/jobs/strategy.ts).
 * Called when a run is created and whenever one of its executions finishes or waits between
 * steps; the run's row lock makes concurrent calls from several workers take turns, so an
 * execution is dispatched once.
 */
import { sql, type Transaction } from 'kysely';
import type { PlannedStatus } from '../domain/jobs/strategy.ts';
import { planDispatch } from '../domain/jobs/strategy.ts';
import type { Strategy } from '../domain/jobs/types.ts';
import type { Db } from './pool.ts';
import { addRoutedTasks, queuePriority, routed, Task } from './queue.ts';
import type { Database } from './types.ts';

const DEFAULT_STRATEGY: Pick<Strategy, 'maxParallel' | 'maxFailures' | 'order'> = { order: 'hostFirst' };

/** Dispatches what may start now and skips what never will; returns how many of each. */
export async function advanceRun(db: Db, runId: string): Promise<{ dispatched: number; skipped: number }> {
  if (!(await mayPlan(db, runId))) return { dispatched: 0, skipped: 0 };
  return db.transaction().execute((trx) => advanceRunIn(trx, runId));
}

/**
 * Whether planning could change anything: some execution is queued and not yet dispatched, or
 * queued at all when the strategy may skip hosts (maxFailures). One indexed read, without the
 * run's lock, so a finishing host of a run whose hosts are all dispatched (every ad-hoc run, and
 * job runs without limits) does not read every execution of the run under that lock. It is safe:
 * whatever makes an execution undispatched (creating the run, a stepFirst host between steps)
 * calls advanceRun itself after it commits.
 */
async function mayPlan(db: Db, runId: string): Promise<boolean> {
  const row = await db
    .selectFrom('runs as r')
    .leftJoin('job_versions as v', (j) =>
      j.onRef('v.job_id', '=', 'r.job_id').onRef('v.version', '=', 'r.job_version'),
    )
    .select(
      sql<boolean>`r.cancel_requested_at is null and exists (
        select 1 from executions e
        where e.run_id = r.id and e.status = 'queued'
          and (e.dispatched_at is null or v.definition -> 'strategy' -> 'maxFailures' is not null)
      )`.as('may'),
    )
    .where('r.id', '=', runId)
    .executeTakeFirst();
  return row?.may === true;
}

/** advanceRun inside the caller's transaction (the one that creates the run). */
export async function advanceRunIn(
  trx: Transaction<Database>,
  runId: string,
): Promise<{ dispatched: number; skipped: number }> {
  {
    const run = await trx
      .selectFrom('runs as r')
      .leftJoin('job_versions as v', (j) =>
        j.onRef('v.job_id', '=', 'r.job_id').onRef('v.version', '=', 'r.job_version'),
      )
      .select([
        'r.id',
        'r.cancel_requested_at',
        'r.priority',
        sql<Strategy | null>`v.definition -> 'strategy'`.as('strategy'),
      ])
      .where('r.id', '=', runId)
      .forUpdate('r')
      .executeTakeFirst();
    if (!run || run.cancel_requested_at) return { dispatched: 0, skipped: 0 };
    const rows = await trx
      .selectFrom('executions')
      .select(['id', 'status', 'position', 'batch', 'next_step', 'dispatched_at'])
      .where('run_id', '=', runId)
      .execute();
    const plan = planDispatch(
      run.strategy ?? DEFAULT_STRATEGY,
      rows.map((r) => ({
        id: r.id,
        status: r.status as PlannedStatus,
        position: r.position,
        batch: r.batch,
        nextStep: r.next_step,
        dispatched: r.dispatched_at !== null,
      })),
    );
    const now = new Date();
    if (plan.skip.length > 0) {
      await trx
        .updateTable('executions')
        .set({ status: 'skipped', failure_message: plan.skipReason, finished_at: now })
        .where('id', 'in', [...plan.skip])
        .where('status', '=', 'queued')
        .execute();
    }
    if (plan.dispatch.length > 0) {
      // Routed by the host's pool as it is now (src/domain/pools.ts), recorded on the execution.
      const routedTo = await trx
        .updateTable('executions as e')
        .set((eb) => ({
          dispatched_at: now,
          pool: eb.selectFrom('hosts as h').select('h.pool').whereRef('h.id', '=', 'e.host_id'),
        }))
        .where('e.id', 'in', [...plan.dispatch])
        .returning(['e.id', 'e.pool'])
        .execute();
      await addRoutedTasks(
        trx,
        routedTo.map((e) => ({ identifier: routed(Task.execute, e.pool), payload: { executionId: e.id } })),
        queuePriority(run.priority),
      );
    }
    return { dispatched: plan.dispatch.length, skipped: plan.skip.length };
  }
}
