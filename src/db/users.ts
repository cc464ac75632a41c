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

/** What an admin sees of a user; never the password hash. */
export interface UserDetailRow extends UserRow {
  last_login_at: Date | null;
  updated_at: Date;
  auth_source: 'local' | 'oidc';
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  role: r.role,
  createdAt: r.created_at.toISOString(),
});

export const USER_COLUMNS = ['id', 'username', 'role', 'disabled', 'created_at'] as const;
const DETAIL_COLUMNS = [...USER_COLUMNS, 'last_login_at', 'updated_at', 'auth_source'] as const;

export async function findUserForLogin(
  db: Db,
  username: string,
): Promise<(UserRow & { password_hash: string | null }) | undefined> {
  return db
    .selectFrom('users')
    .select([...USER_COLUMNS, 'password_hash'])
    .where('username', '=', username)
    .executeTakeFirst();
}

export async function getUser(db: Db, id: string): Promise<UserDetailRow | undefined> {
  return db.selectFrom('users').select(DETAIL_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function getUserByName(db: Db, username: string): Promise<UserDetailRow | undefined> {
  return db.selectFrom('users').select(DETAIL_COLUMNS).where('username', '=', username).executeTakeFirst();
}

export async function listUsers(db: Db): Promise<UserDetailRow[]> {
  return db.selectFrom('users').select(DETAIL_COLUMNS).orderBy('username').execute();
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

/** A new user; a taken name is a unique violation for the caller to map. */
export async function insertUser(
  db: Db,
  user: { username: string; passwordHash: string; role: UsersTable['role'] },
): Promise<UserDetailRow> {
  return db
    .insertInto('users')
    .values({ username: user.username, password_hash: user.passwordHash, role: user.role })
    .returning(DETAIL_COLUMNS)
    .executeTakeFirstOrThrow();
}

/**
 * Changes role and/or disabled under a lock on every enabled admin, so two concurrent changes
 * cannot both remove "the other" last admin. `guard` sees the user and the enabled admins' ids
 * and throws to refuse.
 */
export async function updateUserGuarded(
  db: Db,
  id: string,
  change: { role?: UsersTable['role']; disabled?: boolean },
  guard: (user: UserDetailRow, enabledAdminIds: readonly string[]) => void,
): Promise<UserDetailRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const admins = await trx
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled', '=', false)
      .forUpdate()
      .execute();
    const user = await trx
      .selectFrom('users')
      .select(DETAIL_COLUMNS)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!user) return undefined;
    guard(
      user,
      admins.map((a) => a.id),
    );
    if (change.role === undefined && change.disabled === undefined) return user;
    return trx
      .updateTable('users')
      .set({ ...change, updated_at: new Date() })
      .where('id', '=', id)
      .returning(DETAIL_COLUMNS)
      .executeTakeFirstOrThrow();
  });
}

/** Deletes a user under the same lock as updateUserGuarded; false when there is no such user. */
export async function deleteUserGuarded(
  db: Db,
  id: string,
  guard: (user: UserDetailRow, enabledAdminIds: readonly string[], hasAuditEntries: boolean) => void,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const admins = await trx
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled', '=', false)
      .forUpdate()
      .execute();
    const user = await trx
      .selectFrom('users')
      .select(DETAIL_COLUMNS)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!user) return false;
    const audited = await trx
      .selectFrom('audit_log')
      .select('id')
      .where('user_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    guard(
      user,
      admins.map((a) => a.id),
      audited !== undefined,
    );
    await trx.deleteFrom('users').where('id', '=', id).execute();
    return true;
  });
}

/** Null for a user who signs in through single sign-on. */
export async function getPasswordHash(db: Db, id: string): Promise<string | null | undefined> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row?.password_hash;
}

/** Sets a new password hash; false when there is no such user. */
export async function setPasswordHash(db: Db, id: string, passwordHash: string): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ password_hash: passwordHash, updated_at: new Date() })
    .where('id', '=', id)
    // Single sign-on users have no password here: their provider holds it.
    .where('auth_source', '=', 'local')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function recordLogin(db: Db, id: string, at = new Date()): Promise<void> {
  await db.updateTable('users').set({ last_login_at: at }).where('id', '=', id).execute();
}
