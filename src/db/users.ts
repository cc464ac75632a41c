import type { User } from '../http/schemas.ts';
import type { Db } from './pool.ts';
import type { UsersTable } from './types.ts';

export interface UserRow {
  id: string;
  username: string;
  role: UsersTable['role'];
  disabled: boolean;
  created_at: Date;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  role: r.role,
  createdAt: r.created_at.toISOString(),
});

const COLUMNS = ['id', 'username', 'role', 'disabled', 'created_at'] as const;

export async function findUserForLogin(
  db: Db,
  username: string,
): Promise<(UserRow & { password_hash: string | null }) | undefined> {
  return db
    .selectFrom('users')
    .select([...COLUMNS, 'password_hash'])
    .where('username', '=', username)
    .executeTakeFirst();
}

export async function getUser(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Creates the user unless one with that name exists; returns whether it was created. */
export async function createUserIfMissing(
  db: Db,
  user: { username: string; passwordHash: string; role: UsersTable['role'] },
): Promise<boolean> {
  const inserted = await db
    .insertInto('users')
    .values({ username: user.username, password_hash: user.passwordHash, role: user.role })
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
