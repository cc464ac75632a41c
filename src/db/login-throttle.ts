/** Failed-login counters in PostgreSQL, shared by every server (the policy is in domain/login-throttle). */
import { sql } from 'kysely';
import {
  type CounterState,
  lockedUntil,
  POLICIES,
  resetCutoff,
  type ThrottleScope,
} from '../domain/login-throttle.ts';
import type { Db } from './pool.ts';

interface Subjects {
  readonly username: string;
  readonly address: string;
}

const subjectOf = (scope: ThrottleScope, s: Subjects): string =>
  scope === 'pair' ? JSON.stringify([s.username, s.address]) : scope === 'address' ? s.address : s.username;

export interface LoginCounters {
  readonly pair?: CounterState;
  readonly address?: CounterState;
  readonly account?: CounterState;
  /** This address has logged in to this account before. */
  readonly knownAddress: boolean;
}

export async function readCounters(db: Db, s: Subjects): Promise<LoginCounters> {
  const rows = await db
    .selectFrom('login_throttle')
    .select(['scope', 'locked_until', 'last_success_at'])
    .where((eb) =>
      eb.or(
        (['pair', 'address', 'account'] as const).map((scope) =>
          eb.and([eb('scope', '=', scope), eb('subject', '=', subjectOf(scope, s))]),
        ),
      ),
    )
    .execute();
  const by = (scope: ThrottleScope) => rows.find((r) => r.scope === scope);
  const state = (scope: ThrottleScope): CounterState | undefined => {
    const r = by(scope);
    return r ? { lockedUntil: r.locked_until } : undefined;
  };
  return {
    pair: state('pair'),
    address: state('address'),
    account: state('account'),
    knownAddress: by('pair')?.last_success_at != null,
  };
}

/** Counts one failure in every scope (atomically per row) and sets the locks it earns. */
export async function recordFailure(db: Db, s: Subjects, now = new Date()): Promise<void> {
  for (const scope of ['pair', 'address', 'account'] as const) {
    const policy = POLICIES[scope];
    const cutoff = resetCutoff(policy, now);
    const row = await db
      .insertInto('login_throttle')
      .values({
        scope,
        subject: subjectOf(scope, s),
        username: scope === 'address' ? null : s.username,
        address: scope === 'account' ? null : s.address,
        failures: 1,
        last_failure_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['scope', 'subject']).doUpdateSet({
          failures: sql<number>`case when login_throttle.last_failure_at is null
            or login_throttle.last_failure_at < ${cutoff} then 1 else login_throttle.failures + 1 end`,
          last_failure_at: now,
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    const until = lockedUntil(row.failures, policy, now);
    if (until) {
      await db
        .updateTable('login_throttle')
        .set({ locked_until: sql<Date>`greatest(locked_until, ${until})` })
        .where('scope', '=', scope)
        .where('subject', '=', subjectOf(scope, s))
        .execute();
    }
  }
}

/** A successful login clears the pair and the account counters (not the address's: spraying). */
export async function recordSuccess(db: Db, s: Subjects, now = new Date()): Promise<void> {
  await db
    .insertInto('login_throttle')
    .values({
      scope: 'pair',
      subject: subjectOf('pair', s),
      username: s.username,
      address: s.address,
      failures: 0,
      last_success_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['scope', 'subject']).doUpdateSet({ failures: 0, locked_until: null, last_success_at: now }),
    )
    .execute();
  await db
    .updateTable('login_throttle')
    .set({ failures: 0, locked_until: null })
    .where('scope', '=', 'account')
    .where('subject', '=', s.username)
    .execute();
}

/** Clears every lock and counter of an account (its pairs and its account throttle). */
export async function unlockAccount(db: Db, username: string): Promise<void> {
  await db
    .updateTable('login_throttle')
    .set({ failures: 0, locked_until: null })
    .where('username', '=', username)
    .execute();
}

/** Per user name, the latest lock still running on its pairs or its account throttle. */
export async function lockedUntilByUser(db: Db, now = new Date()): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('login_throttle')
    .select(['username', (eb) => eb.fn.max('locked_until').as('until')])
    .where('username', 'is not', null)
    .where('locked_until', '>', now)
    .groupBy('username')
    .execute();
  return new Map(rows.flatMap((r) => (r.username && r.until ? [[r.username, new Date(r.until)]] : [])));
}

/** Forgets counters that can no longer lock anything, keeping known addresses. */
export async function deleteStaleThrottles(db: Db, now = new Date()): Promise<void> {
  const oldest = resetCutoff(POLICIES.pair, now);
  await db
    .deleteFrom('login_throttle')
    .where('last_success_at', 'is', null)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .where('last_failure_at', '<', oldest)
    .execute();
}
