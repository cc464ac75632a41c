import type { Db } from './pool.ts';
import type { UserRow } from './users.ts';

export async function createSession(
  db: Db,
  s: { idHash: string; userId: string; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, expires_at: s.expiresAt })
    .execute();
}

/** The live session's user and CSRF token; expired sessions and disabled users find nothing. */
export async function findSession(
  db: Db,
  idHash: string,
): Promise<{ user: UserRow; csrfToken: string } | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['u.id', 'u.username', 'u.role', 'u.disabled', 'u.created_at', 's.csrf_token', 's.last_seen_at'])
    .where('s.id_hash', '=', idHash)
    .where('s.expires_at', '>', new Date())
    .where('u.disabled', '=', false)
    .executeTakeFirst();
  if (!row) return undefined;
  // Touch at most once a minute: a page full of requests should not write a row each.
  if (Date.now() - row.last_seen_at.getTime() > 60_000) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: new Date() })
      .where('id_hash', '=', idHash)
      .execute();
  }
  const { csrf_token, last_seen_at: _, ...user } = row;
  return { user, csrfToken: csrf_token };
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteExpiredSessions(db: Db): Promise<number> {
  const r = await db.deleteFrom('sessions').where('expires_at', '<=', new Date()).executeTakeFirst();
  return Number(r.numDeletedRows);
}
