/**
 * Notifications, the pure part: which events a run's status change raises, how a webhook body is
 * signed, and when a failed delivery is tried again.
 */
import { createHmac } from 'node:crypto';
import { isFinalRun, RunStatus } from './status.ts';

export const NOTIFICATION_EVENTS = ['start', 'success', 'failure', 'cancel'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

const FINAL_EVENT: Readonly<Record<string, NotificationEvent>> = {
  [RunStatus.succeeded]: 'success',
  [RunStatus.failed]: 'failure',
  [RunStatus.canceled]: 'cancel',
};

/**
 * The events of a run going from `prev` to `next`. A run that ends straight from `queued` did
 * start (its hosts ran between two status refreshes), unless it was canceled before it began.
 */
export function runEvents(prev: string, next: string): NotificationEvent[] {
  const events: NotificationEvent[] = [];
  const leftQueue = prev === RunStatus.queued && next !== RunStatus.queued;
  if (leftQueue && (next === RunStatus.running || (isFinalRun(next) && next !== RunStatus.canceled))) {
    events.push('start');
  }
  const final = FINAL_EVENT[next];
  if (final && !isFinalRun(prev)) events.push(final);
  return events;
}

/** The signature header's value: `sha256=` and the hex HMAC-SHA256 of the exact body bytes. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Wait before attempt `attempt + 1` (attempt counts from 1): base·2^(attempt−1), at most 10 min. */
export function retryDelayMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 600_000);
}

/** HTTP answers worth another attempt: timeouts, rate limits and server errors. */
export function retriableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
