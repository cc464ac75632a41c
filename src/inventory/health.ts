/**
 * The periodic health check, scheduler side: queues a check of every host whose last one is
 * older than the interval, with a bounded number in flight. Workers run the checks (only workers
 * touch hosts); any number of servers may run this, an advisory lock makes one sweep at a time.
 */
import type { Logger } from 'pino';
import { queueDueHealthChecks } from '../db/host-checks.ts';
import type { Db } from '../db/pool.ts';

export interface HealthSettings {
  /** 0 disables the periodic check. */
  readonly intervalMs: number;
  readonly concurrency: number;
  readonly connectTimeoutMs: number;
}

/** How often to look for due hosts: a few times per interval, at least every 30 s. */
function sweepPeriodMs(intervalMs: number): number {
  return Math.min(30_000, Math.max(500, Math.round(intervalMs / 4)));
}

export function startHealthSweep(db: Db, settings: HealthSettings, log: Logger): { stop(): void } {
  if (settings.intervalMs <= 0) return { stop() {} };
  // A check of a host behind bastions may take a connect timeout per hop; past this it is lost.
  const staleMs = settings.intervalMs + 10 * settings.connectTimeoutMs;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const queued = await queueDueHealthChecks(db, {
        intervalMs: settings.intervalMs,
        concurrency: settings.concurrency,
        staleMs,
      });
      if (queued > 0) log.debug({ queued }, 'health checks queued');
    } catch (e) {
      log.warn({ err: String(e) }, 'health sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), sweepPeriodMs(settings.intervalMs));
  timer.unref();
  void tick();
  return { stop: () => clearInterval(timer) };
}
