/**
 * Login throttling, pure. Failed logins are counted in three scopes:
 * - `pair` (account + client address): a lock after 5 failures, doubling from 1 minute to 15;
 * - `address` (across accounts, against password spraying): a lock after 20, same doubling;
 * - `account` (across addresses): only a short, capped throttle (1 s doubling to 30 s), and not
 *   for addresses that have logged in to the account before — so a distributed attacker slows
 *   guessing down without ever locking the owner out. Every lock expires.
 */

export type ThrottleScope = 'pair' | 'address' | 'account';

export interface ThrottlePolicy {
  /** Failures before the first lock. */
  readonly threshold: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /** A counter whose last failure is older than this starts again from zero. */
  readonly resetMs: number;
}

export const POLICIES: Readonly<Record<ThrottleScope, ThrottlePolicy>> = {
  pair: { threshold: 5, baseMs: 60_000, maxMs: 15 * 60_000, resetMs: 24 * 3600_000 },
  address: { threshold: 20, baseMs: 60_000, maxMs: 15 * 60_000, resetMs: 3600_000 },
  account: { threshold: 10, baseMs: 1_000, maxMs: 30_000, resetMs: 15 * 60_000 },
};

/** The lock after the `failures`-th failure: none below the threshold, then doubling to the cap. */
export function lockMs(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.baseMs * 2 ** doublings, policy.maxMs);
}

/** When a counter's lock ends after its `failures`-th failure at `now` (null: no lock). */
export function lockedUntil(failures: number, policy: ThrottlePolicy, now: Date): Date | null {
  const ms = lockMs(failures, policy);
  return ms === 0 ? null : new Date(now.getTime() + ms);
}

/** Failures older than the policy's reset window are forgotten: the cut-off for `now`. */
export const resetCutoff = (policy: ThrottlePolicy, now: Date): Date =>
  new Date(now.getTime() - policy.resetMs);

export interface CounterState {
  readonly lockedUntil: Date | null;
}

/** Milliseconds until a login may be tried again (0: now), given the live counters. */
export function waitMs(
  counters: { pair?: CounterState; address?: CounterState; account?: CounterState },
  knownAddress: boolean,
  now: Date,
): number {
  const left = (c: CounterState | undefined) => Math.max(0, (c?.lockedUntil?.getTime() ?? 0) - now.getTime());
  return Math.max(left(counters.pair), left(counters.address), knownAddress ? 0 : left(counters.account));
}

/** "try again in 2 minutes" wording for a wait. */
export function describeWait(ms: number): string {
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}
