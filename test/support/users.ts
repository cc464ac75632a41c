/** Users of other roles for tests: created straight in the database, with an API token to act as them. */
import { createApiToken } from '../../src/db/api-tokens.ts';
import { createUserIfMissing } from '../../src/db/users.ts';
import { API_TOKEN_PREFIX, hashToken, newToken } from '../../src/security/tokens.ts';
import type { TestApp } from './app.ts';

/** An API token of `username` (created with `role` if missing), for `app.api(path, { token })`. */
export async function tokenFor(
  app: TestApp,
  username: string,
  role: 'admin' | 'operator' | 'viewer',
): Promise<string> {
  const db = app.database.handle.db;
  await createUserIfMissing(db, { username, passwordHash: 'not-used', role });
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirstOrThrow();
  const token = newToken(API_TOKEN_PREFIX);
  await createApiToken(db, {
    userId: user.id,
    name: 't',
    tokenHash: hashToken(token),
    prefix: 'orca_',
    expiresAt: null,
  });
  return token;
}
