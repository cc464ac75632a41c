/**
 * The worker process: registers itself, heartbeats, takes tasks from the queue (graphile-worker),
 * and stops executions when their run is canceled.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
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
import { startQueueRunner } from './queue-runner.ts';

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

  const runner = await startQueueRunner(deps.log, {
    pgPool,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
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
