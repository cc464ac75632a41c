/**
 * `orca users reset-password <name> --database`: recovery without the API, for whoever holds the
 * database (DATABASE_URL). Sets the password, clears the login locks, ends the sessions, and
 * leaves an entry in the audit log.
 */
import { appendAudit } from '../db/audit.ts';
import { unlockAccount } from '../db/login-throttle.ts';
import type { Db } from '../db/pool.ts';
import { deleteUserSessions } from '../db/sessions.ts';
import { getUserByName, setPasswordHash } from '../db/users.ts';
import { hashPassword } from './passwords.ts';

export async function resetPasswordInDatabase(
  db: Db,
  username: string,
  password: string,
): Promise<{ found: boolean; sessionsEnded: number }> {
  const user = await getUserByName(db, username);
  if (!user) return { found: false, sessionsEnded: 0 };
  await setPasswordHash(db, user.id, await hashPassword(password));
  await unlockAccount(db, username);
  const sessionsEnded = await deleteUserSessions(db, user.id);
  await appendAudit(db, {
    actor: 'orca users reset-password --database',
    userId: null,
    via: 'system',
    address: null,
    method: 'CLI',
    route: 'orca users reset-password',
    path: `orca users reset-password ${username}`,
    action: 'users.password',
    targetId: user.id,
    status: 200,
    request: { username, password: '***' },
  });
  return { found: true, sessionsEnded };
}
