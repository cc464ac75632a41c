/** When a browser session ends: at its absolute expiry, or after idling too long. Pure. */

export type SessionState = 'live' | 'expired' | 'idle';

export function sessionState(
  s: { readonly expiresAt: Date; readonly lastSeenAt: Date },
  idleMs: number,
  now: Date,
): SessionState {
  if (s.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (s.lastSeenAt.getTime() + idleMs <= now.getTime()) return 'idle';
  return 'live';
}

/**
 * How stale last_seen_at may get before a request touches it: at most a minute (a page full
 * of requests should not write a row each), and well below the idle limit, so an active
 * session never idles out between touches.
 */
export const touchIntervalMs = (idleMs: number): number => Math.min(60_000, Math.floor(idleMs / 4));
