/**
 * graphile-worker's runner, restarted when it stops by itself. The queue gives up ("committing
 * seppuku") when it cannot acknowledge a finished task, which happens when the database is
 * unreachable at that moment; the worker process would then live on without taking work. The
 * replacement first unlocks the tasks the dead runner held, so they run again (a task for an
 * execution that already ended finds nothing to claim).
 */
import { EventEmitter } from 'node:events';
import { makeWorkerUtils, type Runner, type RunnerOptions, run, type WorkerEvents } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface QueueRunner {
  stop(): Promise<void>;
}

const RESTART_DELAY_MS = 1000;

export async function startQueueRunner(
  log: Logger,
  options: RunnerOptions & { readonly pgPool: pg.Pool },
): Promise<QueueRunner> {
  let stopped = false;
  let current: Runner | null = null;
  let timer: NodeJS.Timeout | null = null;

  const start = async (): Promise<void> => {
    const events: WorkerEvents = new EventEmitter();
    let poolId: string | null = null;
    events.on('pool:create', ({ workerPool }) => {
      poolId = workerPool.id;
    });
    const runner = await run({ ...options, events });
    current = runner;
    void runner.promise
      .catch((e: unknown) => log.error({ err: String(e) }, 'the queue runner failed'))
      .finally(() => {
        if (stopped || current !== runner) return;
        current = null;
        log.error('the queue runner stopped by itself; starting a new one');
        restart(poolId);
      });
  };

  const restart = (deadPool: string | null) => {
    timer = setTimeout(async () => {
      timer = null;
      if (stopped) return;
      try {
        if (deadPool) await unlockTasksOf(options.pgPool, deadPool);
        await start();
      } catch (e) {
        log.warn({ err: String(e) }, 'could not restart the queue runner yet');
        restart(deadPool);
      }
    }, RESTART_DELAY_MS);
    timer.unref();
  };

  await start();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current?.stop();
    },
  };
}

async function unlockTasksOf(pgPool: pg.Pool, poolId: string): Promise<void> {
  const utils = await makeWorkerUtils({ pgPool });
  try {
    await utils.forceUnlockWorkers([poolId]);
  } finally {
    await utils.release();
  }
}
