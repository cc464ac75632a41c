/**
 * The worker process: registers itself, heartbeats, takes tasks from the queue (graphile-worker),
 * and stops executions when their run is canceled.
 *
 * Pools: it registers only the task identifiers it serves (src/domain/pools.ts), and the queue
 * fetches only jobs whose identifier the worker knows. Graceful stop: it claims nothing more at
 * once, lets running work finish for the grace period, then aborts what is left, which hands
 * executions back to the queue (src/engine/execute.ts) or ends them per docs/architecture.md.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Task as TaskFn } from 'graphile-worker';
import type pg from 'pg';
import { Channel } from '../db/events.ts';
import { listen } from '../db/listen.ts';
import { quietLogger } from '../db/migrate.ts';
import { addTask, Task, type TaskIdentifier } from '../db/queue.ts';
import { heartbeat, markWorkerStopped, markWorkerStopping, registerWorker } from '../db/workers.ts';
import { servedIdentifiers, type WorkerRouting } from '../domain/pools.ts';
import { deliverNotification } from '../notify/deliver.ts';
import { runHostCheck } from './check-host.ts';
import type { EngineDeps } from './deps.ts';
import { runExecution } from './execute.ts';
import { startQueueRunner } from './queue-runner.ts';

export { VERSION } from '../version.ts';

import { VERSION } from '../version.ts';

export interface WorkerHandle {
  readonly id: string;
  /** Stops taking work, lets running executions finish for up to `graceMs`, then stops them. */
  stop(graceMs?: number): Promise<void>;
  /** During a stop: end the grace period now (a second SIGTERM). */
  hurry(): void;
}

export function newWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

export interface WorkerOptions extends Partial<WorkerRouting> {
  readonly concurrency: number;
  readonly heartbeatMs?: number;
}
/**
 * How often each idle slot asks the queue for a task. graphile-worker polls per slot (without its
 * localQueue); a task added now wakes idle slots through LISTEN/NOTIFY, so polls only find tasks
 * that were due later (a host-busy retry, a notification's next attempt) and every busy slot asks
 * again as soon as its task ends. The interval grows with the concurrency to keep a worker's idle
 * polls near ten a second: at concurrency 100 and one second each, an idle worker sent a hundred
 * of the queue's heaviest statement a second (bench:fanout, docs/performance.md).
 */
export const pollIntervalMs = (concurrency: number): number => Math.max(1000, concurrency * 100);

export async function startWorker(
  deps: EngineDeps,
  pgPool: pg.Pool,
  options: WorkerOptions,
): Promise<WorkerHandle> {
  const routing: WorkerRouting = { tags: options.tags ?? [], poolOnly: options.poolOnly ?? false };
  await registerWorker(deps.db, {
    id: deps.workerId,
    hostname: hostname(),
    pid: process.pid,
    version: VERSION,
    concurrency: options.concurrency,
    ...routing,
  });
  const beat = setInterval(() => {
    heartbeat(deps.db, deps.workerId).catch((e: unknown) =>
      deps.log.warn({ err: String(e) }, 'heartbeat failed'),
    );
  }, options.heartbeatMs ?? 5000);
  beat.unref();

  const cancelListener = await listen(
    pgPool,
    Channel.cancel,
    (payload) => {
      const ids = (payload as { executions?: unknown }).executions;
      if (Array.isArray(ids)) deps.cancels.cancel(ids.filter((x): x is string => typeof x === 'string'));
    },
    deps.log,
  );

  let draining = false;
  /**
   * A task the queue handed over as the stop began (fetched just before): given back untouched,
   * so nothing new starts after the stop.
   */
  const unlessDraining =
    (identifier: TaskIdentifier, fn: (payload: unknown) => Promise<void>): TaskFn =>
    async (payload, helpers) => {
      if (!draining) return fn(payload);
      await addTask(deps.db, identifier, payload as Record<string, unknown>, undefined, helpers.job.priority);
    };

  const taskList: Record<string, TaskFn> = {
    [Task.notify]: unlessDraining(Task.notify, async (payload) => {
      const { deliveryId } = payload as { deliveryId: string };
      await deliverNotification(
        { db: deps.db, vault: deps.vault, log: deps.log, settings: deps.notify },
        deliveryId,
      );
    }),
  };
  const execute = async (payload: unknown) => {
    const { executionId } = payload as { executionId: string };
    await runExecution(deps, executionId);
  };
  const check = async (payload: unknown) => {
    const { checkId } = payload as { checkId: string };
    await runHostCheck(deps, checkId);
  };
  for (const identifier of servedIdentifiers(routing) as TaskIdentifier[]) {
    const isExecute = identifier === Task.execute || identifier.startsWith(`${Task.execute}@`);
    taskList[identifier] = unlessDraining(identifier, isExecute ? execute : check);
  }

  const runner = await startQueueRunner(deps.log, {
    pgPool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: pollIntervalMs(options.concurrency),
    logger: quietLogger((m) => deps.log.error({ queue: m }, 'queue error')),
    // No localQueue: it fetches tasks ahead while every slot is busy, so a run launched later with a
    // higher priority would wait behind them (docs/architecture.md, "Run priority").
    taskList,
  });

  let stopping: Promise<void> | null = null;
  let abortLeft: () => void = () => {};
  return {
    id: deps.workerId,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        draining = true;
        // The queue stops fetching at once; running tasks go on until they end or are aborted.
        const stopped = runner.stop();
        await markWorkerStopping(deps.db, deps.workerId).catch((e: unknown) =>
          deps.log.warn({ err: String(e) }, 'could not record the stop'),
        );
        abortLeft = () => deps.cancels.abortAll('the worker is shutting down');
        const timer = setTimeout(abortLeft, graceMs);
        try {
          await stopped;
        } finally {
          clearTimeout(timer);
          clearInterval(beat);
          await cancelListener.close();
          await deps.pool.close();
          await markWorkerStopped(deps.db, deps.workerId).catch(() => {});
        }
      })();
      return stopping;
    },
    hurry() {
      abortLeft();
    },
  };
}
