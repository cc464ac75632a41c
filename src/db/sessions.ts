import { type SessionState, sessionState, touchIntervalMs } from '../domain/session-expiry.ts';
import type { Db } from './pool.ts';
import { USER_COLUMNS, type UserRow } from './users.ts';

export async function createSession(
  db: Db,
  s: { idHash: string; userId: string; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, expires_at: s.expiresAt })
    .execute();
}

export type FoundSession =
  | { readonly state: 'live'; readonly user: UserRow; readonly csrfToken: string }
  | { readonly state: Exclude<SessionState, 'live'> | 'disabled' };

/**
 * The session's user and CSRF token while it lives; otherwise why it ended (an ended session
 * is deleted). Unknown cookies find nothing.
 */
export async function findSession(
  db: Db,
  idHash: string,
  idleMs: number,
  now = new Date(),
): Promise<FoundSession | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select([...USER_COLUMNS.map((c) => `u.${c}` as const), 's.csrf_token', 's.last_seen_at', 's.expires_at'])
    .where('s.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const state = sessionState({ expiresAt: row.expires_at, lastSeenAt: row.last_seen_at }, idleMs, now);
  if (state !== 'live') {
    await deleteSession(db, idHash);
    return { state };
  }
  if (row.disabled) return { state: 'disabled' };
  if (now.getTime() - row.last_seen_at.getTime() > touchIntervalMs(idleMs)) {
    await db.updateTable('sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  }
  const { csrf_token, last_seen_at: _, expires_at: __, ...user } = row;
  return { state: 'live', user, csrfToken: csrf_token };
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Signs a user out everywhere (but the session `exceptIdHash`); returns how many sessions ended. */
export async function deleteUserSessions(db: Db, userId: string, exceptIdHash?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (exceptIdHash) q = q.where('id_hash', '!=', exceptIdHash);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Sessions past their absolute expiry or idle for longer than `idleMs`. */
export async function deleteExpiredSessions(db: Db, idleMs: number, now = new Date()): Promise<number> {
  const r = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', new Date(now.getTime() - idleMs))]),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
