/**
 * How a run spreads over its hosts: rolling batches, the failure threshold, `maxParallel`, and the
 * `stepFirst` barrier. Pure: the dispatcher (src/db/dispatch.ts) feeds it the run's executions
 * under the run's row lock and applies the plan.
 *
 * Rules, in order:
 * 1. Failed and lost hosts count as failures. When they exceed the tolerated number
 *    (`maxFailures`, a count or a share of all the run's hosts), every host that has not begun is
 *    skipped. A host that has begun (in `stepFirst`, one waiting between steps) finishes its steps.
 * 2. Batches run one after another: a batch starts when every host of the batches before it is
 *    final. Only hosts of the current batch are dispatched.
 * 3. `stepFirst`: a host waits between steps until every unfinished host of its batch has reached
 *    the same step, so each step runs on all of them before the next one starts.
 * 4. At most `maxParallel` hosts are dispatched (queued for a worker or running) at once.
 */
import type { Strategy } from './types.ts';

export type PlannedStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled' | 'lost' | 'skipped';

export interface PlannedExecution {
  readonly id: string;
  readonly status: PlannedStatus;
  /** Place in the run's target order. */
  readonly position: number;
  readonly batch: number;
  /** Index of the next step the host runs. */
  readonly nextStep: number;
  /** A task for it is in the queue or a worker holds it. */
  readonly dispatched: boolean;
}

export interface DispatchPlan {
  /** Executions to hand to the queue now, in target order. */
  readonly dispatch: readonly string[];
  /** Executions that will never start: the failure threshold was passed. */
  readonly skip: readonly string[];
  /** Set when hosts are skipped: why, for their record. */
  readonly skipReason: string | null;
}

const FINAL: ReadonlySet<PlannedStatus> = new Set(['succeeded', 'failed', 'canceled', 'lost', 'skipped']);

/** The number of hosts in each batch: a count, or a share of the targets (at least 1). */
export function batchSizeOf(total: number, batchSize: Strategy['batchSize']): number {
  if (total === 0) return 1;
  if (batchSize === undefined) return total;
  if (typeof batchSize === 'number') return Math.max(1, Math.min(batchSize, total));
  const percent = Number.parseFloat(batchSize);
  return Math.max(1, Math.min(total, Math.ceil((total * percent) / 100)));
}

/** Batch numbers (0-based) for `total` hosts in target order. */
export function assignBatches(total: number, batchSize: Strategy['batchSize']): number[] {
  const size = batchSizeOf(total, batchSize);
  return Array.from({ length: total }, (_, i) => Math.floor(i / size));
}

/** How many failed hosts are tolerated; null: any number. A share rounds down (10% of 15 is 1). */
export function toleratedFailures(total: number, maxFailures: Strategy['maxFailures']): number | null {
  if (maxFailures === undefined) return null;
  if (typeof maxFailures === 'number') return maxFailures;
  return Math.floor((total * Number.parseFloat(maxFailures)) / 100);
}

export function planDispatch(
  strategy: Pick<Strategy, 'maxParallel' | 'maxFailures' | 'order'>,
  executions: readonly PlannedExecution[],
): DispatchPlan {
  const sorted = [...executions].sort((a, b) => a.position - b.position);
  const failures = sorted.filter((e) => e.status === 'failed' || e.status === 'lost').length;
  const tolerated = toleratedFailures(sorted.length, strategy.maxFailures);
  const notBegun = (e: PlannedExecution) => e.status === 'queued' && e.nextStep === 0;

  if (tolerated !== null && failures > tolerated) {
    const skip = sorted.filter(notBegun).map((e) => e.id);
    const after = sorted.map((e) => (notBegun(e) ? { ...e, status: 'skipped' as const } : e));
    return {
      dispatch: continuing(strategy, after, () => true),
      skip,
      skipReason: `skipped: ${failures} host(s) failed, more than the ${tolerated} the strategy tolerates (maxFailures ${String(strategy.maxFailures)})`,
    };
  }
  return { dispatch: continuing(strategy, sorted, () => true), skip: [], skipReason: null };
}

/** Executions of the current batch that may start (or go on) now, within maxParallel. */
function continuing(
  strategy: Pick<Strategy, 'maxParallel' | 'order'>,
  sorted: readonly PlannedExecution[],
  allowed: (e: PlannedExecution) => boolean,
): string[] {
  const open = sorted.filter((e) => !FINAL.has(e.status));
  if (open.length === 0) return [];
  const batch = Math.min(...open.map((e) => e.batch));
  const inBatch = open.filter((e) => e.batch === batch);
  const barrier = strategy.order === 'stepFirst' ? Math.min(...inBatch.map((e) => e.nextStep)) : null;
  const inFlight = open.filter((e) => e.dispatched).length;
  let room = strategy.maxParallel === undefined ? Number.POSITIVE_INFINITY : strategy.maxParallel - inFlight;
  const out: string[] = [];
  for (const e of inBatch) {
    if (room <= 0) break;
    if (e.dispatched || e.status !== 'queued' || !allowed(e)) continue;
    if (barrier !== null && e.nextStep !== barrier) continue;
    out.push(e.id);
    room--;
  }
  return out;
}
