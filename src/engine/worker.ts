/**
 * The worker process: registers itself, heartbeats, takes tasks from the queue (graphile-worker),
 * and stops executions when their run is canceled.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Runner, run } from 'graphile-worker';
import type pg from 'pg';
import { Channel } from '../db/events.ts';
import { listen } from '../db/listen.ts';
import { quietLogger } from '../db/migrate.ts';
import { Task } from '../db/queue.ts';
import { heartbeat, markWorkerStopped, registerWorker } from '../db/workers.ts';
import { deliverNotification } from '../notify/deliver.ts';
import { runHostCheck } from './check-host.ts';
import type { EngineDeps } from './deps.ts';
import { runExecution } from './execute.ts';

export { VERSION } from '../version.ts';

import { VERSION } from '../version.ts';

export interface WorkerHandle {
  readonly id: string;
  /** Stops taking work, lets running executions finish for up to `graceMs`, then stops them. */
  stop(graceMs?: number): Promise<void>;
}

export function newWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
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
  options: { concurrency: number; heartbeatMs?: number },
): Promise<WorkerHandle> {
  await registerWorker(deps.db, {
    id: deps.workerId,
    hostname: hostname(),
    pid: process.pid,
    version: VERSION,
    concurrency: options.concurrency,
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

  const runner: Runner = await run({
    pgPool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: pollIntervalMs(options.concurrency),
    logger: quietLogger((m) => deps.log.error({ queue: m }, 'queue error')),
    // No localQueue: it fetches tasks ahead while every slot is busy, so a run launched later with a
    // higher priority would wait behind them (docs/architecture.md, "Run priority").
    taskList: {
      [Task.execute]: async (payload) => {
        const { executionId } = payload as { executionId: string };
        await runExecution(deps, executionId);
      },
      [Task.checkHost]: async (payload) => {
        const { checkId } = payload as { checkId: string };
        await runHostCheck(deps, checkId);
      },
      [Task.notify]: async (payload) => {
        const { deliveryId } = payload as { deliveryId: string };
        await deliverNotification(
          { db: deps.db, vault: deps.vault, log: deps.log, settings: deps.notify },
          deliveryId,
        );
      },
    },
  });

  let stopping: Promise<void> | null = null;
  return {
    id: deps.workerId,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        const timer = setTimeout(() => deps.cancels.abortAll('the worker is shutting down'), graceMs);
        try {
          await runner.stop();
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
  };
}
