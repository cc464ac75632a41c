/**
 * Which database failures are worth trying again (the server restarted, the network dropped),
 * and a retry loop for short writes that must not be lost to such a failure.
 */
import pg from 'pg';

/** SQLSTATEs that mean "the connection, not the statement, failed": try again later. */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping (fast or smart shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting up
  '53300', // too_many_connections
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/**
 * True when `error` says the database could not be reached or dropped the connection. A
 * PostgreSQL error with a SQLSTATE is transient only for the connection classes (08…) and the
 * codes above; anything else the server answered (a constraint, a syntax error) is not. Errors
 * without a SQLSTATE, plain `Error`s, come from the socket or the driver (ECONNREFUSED,
 * "Connection terminated", a connect timeout): the statement got no answer, so it may be tried
 * again.
 */
export function isTransientDbError(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) {
    const code = error.code ?? '';
    return code.startsWith('08') || TRANSIENT_SQLSTATES.has(code);
  }
  // Programming errors (TypeError, RangeError, a library's own classes) are nobody's network.
  return error instanceof Error && error.constructor === Error;
}

export interface RetryOptions {
  /** Give up after this long (default 10 minutes). */
  readonly forMs?: number;
  /** First pause; doubled after each failure up to `maxDelayMs`. */
  readonly delayMs?: number;
  readonly maxDelayMs?: number;
  /** Called after each failure that will be retried. */
  readonly onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Runs `fn` until it succeeds, pausing between attempts while it fails transiently; rethrows a
 * failure that is not transient, or the last one after `forMs`. `fn` must be safe to repeat: a
 * statement whose answer was lost may have committed.
 */
export async function retryTransient<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const until = Date.now() + (options.forMs ?? 10 * 60_000);
  let delay = options.delayMs ?? 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isTransientDbError(error) || Date.now() + delay > until) throw error;
      options.onRetry?.(error, attempt);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 2000);
    }
  }
}
