/**
 * `orca users list|create|disable|enable|set-role|reset-password|unlock|logout-all|delete`
 * over the API (admin), and `reset-password --database` straight against DATABASE_URL to recover
 * an admin when nobody can log in.
 */
import type { Static } from '@sinclair/typebox';
import { type Command, InvalidArgumentError } from 'commander';
import { ROLES, type Role } from '../domain/roles.ts';
import { PASSWORD_MIN_LENGTH } from '../domain/user-admin.ts';
import type { SessionsEnded, UserDetail, UserWithPassword } from '../http/user-schemas.ts';
import type { ApiClient } from './client.ts';
import { action, apiClient, type ConnectionFlags, printJson, subcommand, withConnection } from './common.ts';
import { CliError, type CliIo, ExitCode, usageError } from './io.ts';
import { formatTime, table } from './output.ts';
import { readSecret } from './prompt.ts';

type Created = Static<typeof UserWithPassword>;
type Ended = Static<typeof SessionsEnded>;

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

export function usersTable(list: readonly UserDetail[], now = Date.now()): string {
  return table(
    ['USER', 'ROLE', 'STATE', 'LAST LOGIN', 'LOCKED UNTIL'],
    list.map((u) => [
      u.username,
      u.role,
      u.disabled ? 'disabled' : 'enabled',
      u.lastLoginAt ? formatTime(u.lastLoginAt) : 'never',
      u.lockedUntil && Date.parse(u.lockedUntil) > now ? formatTime(u.lockedUntil) : '-',
    ]),
  );
}

async function userByName(client: ApiClient, name: string): Promise<UserDetail> {
  const user = (await client.get<UserDetail[]>('/users')).find((u) => u.username === name);
  if (!user) throw new CliError(`no user named ${name}; \`orca users list\` shows them`);
  return user;
}

/** The password from stdin when asked for, checked for length here as the server would. */
async function passwordFrom(io: CliIo, flags: { passwordStdin?: boolean }, name: string) {
  if (!flags.passwordStdin) return undefined;
  const password = await readSecret(io, `new password for ${name}: `, 'password');
  if (password.length < PASSWORD_MIN_LENGTH)
    throw usageError(`the password must have at least ${PASSWORD_MIN_LENGTH} characters`);
  return password;
}

function printCreated(io: CliIo, verb: string, r: Created): void {
  io.stdout(`${verb} ${r.user.username} (${r.user.role})\n`);
  if (r.password) io.stdout(`password (shown once): ${r.password}\n`);
}

/** Break-glass: no server, no login; the database is the authority. */
async function resetInDatabase(io: CliIo, name: string, given: string | undefined): Promise<number> {
  const url = io.env.DATABASE_URL;
  if (!url) throw usageError('--database needs DATABASE_URL (the database the servers use)');
  const [{ openDb }, { resetPasswordInDatabase }, { generatePassword }] = await Promise.all([
    import('../db/pool.ts'),
    import('../security/break-glass.ts'),
    import('../security/tokens.ts'),
  ]);
  const password = given ?? generatePassword();
  const handle = openDb(url, 1);
  try {
    const r = await resetPasswordInDatabase(handle.db, name, password);
    if (!r.found) throw new CliError(`no user named ${name} in that database`);
    io.stdout(
      `password of ${name} reset in the database; login locks cleared, ${r.sessionsEnded} session(s) ended\n`,
    );
    if (!given) io.stdout(`password (shown once): ${password}\n`);
    return ExitCode.ok;
  } finally {
    await handle.close();
  }
}

export function registerUsers(program: Command, io: CliIo): void {
  const users = subcommand(program, 'users', io).description(
    'users and their roles (admin): list, create, disable, enable, set-role, reset-password, unlock, logout-all, delete',
  );
  const simple = (
    name: string,
    description: string,
    run: (client: ApiClient, user: UserDetail) => Promise<string>,
  ) =>
    withConnection(subcommand(users, `${name} <name>`, io).description(description)).action(
      action(io, async (username: string, flags: ConnectionFlags) => {
        const client = await apiClient(io, flags);
        io.stdout(await run(client, await userByName(client, username)));
        return ExitCode.ok;
      }),
    );

  withConnection(
    subcommand(users, 'list', io)
      .description('every user: role, disabled, last login, login lock')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ConnectionFlags & { json?: boolean }) => {
      const list = await (await apiClient(io, flags)).get<UserDetail[]>('/users');
      if (flags.json) printJson(io, list);
      else io.stdout(usersTable(list));
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(users, 'create <name>', io)
      .description('create a user; without --password-stdin a password is generated and shown once')
      .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, role)
      .option('--password-stdin', 'read the password from standard input (prompted on a terminal)'),
  ).action(
    action(io, async (name: string, flags: ConnectionFlags & { role: Role; passwordStdin?: boolean }) => {
      const password = await passwordFrom(io, flags, name);
      const client = await apiClient(io, flags);
      const created = await client.post<Created>('/users', { username: name, role: flags.role, password });
      printCreated(io, 'created', created);
      return ExitCode.ok;
    }),
  );

  simple('disable', 'disable a user: their sessions end and their API tokens stop working', async (c, u) => {
    await c.patch(`/users/${u.id}`, { disabled: true });
    return `disabled ${u.username}; their sessions ended and their tokens stopped working\n`;
  });
  simple('enable', 'enable a disabled user again', async (c, u) => {
    await c.patch(`/users/${u.id}`, { disabled: false });
    return `enabled ${u.username}\n`;
  });
  simple('unlock', 'clear the failed-login locks of a user', async (c, u) => {
    await c.post(`/users/${u.id}/unlock`, {});
    return `unlocked ${u.username}\n`;
  });
  simple('delete', 'delete a user that has done nothing yet (otherwise disable it)', async (c, u) => {
    await c.delete(`/users/${u.id}`);
    return `deleted ${u.username}\n`;
  });

  withConnection(
    subcommand(users, 'set-role <name> <role>', io).description(`change a user's role (${ROLES.join(', ')})`),
  ).action(
    action(io, async (username: string, newRole: string, flags: ConnectionFlags) => {
      const r = role(newRole);
      const client = await apiClient(io, flags);
      const user = await userByName(client, username);
      await client.patch(`/users/${user.id}`, { role: r });
      io.stdout(`${username} is now ${r}\n`);
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(users, 'logout-all [name]', io).description(
      'sign a user out of every browser (admin); without a name, yourself (API tokens stay valid)',
    ),
  ).action(
    action(io, async (username: string | undefined, flags: ConnectionFlags) => {
      const client = await apiClient(io, flags);
      const path = username
        ? `/users/${(await userByName(client, username)).id}/sessions/revoke`
        : '/auth/logout-all';
      const r = await client.post<Ended>(path, {});
      io.stdout(`${r.sessionsEnded} session(s) of ${username ?? 'yours'} ended\n`);
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(users, 'reset-password <name>', io)
      .description(
        "set a user's password (generated and shown once unless --password-stdin); ends their sessions",
      )
      .option('--password-stdin', 'read the new password from standard input (prompted on a terminal)')
      .option(
        '--database',
        'recovery: write straight to DATABASE_URL, no server or login needed (e.g. the only admin is locked out)',
      ),
  ).action(
    action(
      io,
      async (name: string, flags: ConnectionFlags & { passwordStdin?: boolean; database?: boolean }) => {
        const password = await passwordFrom(io, flags, name);
        if (flags.database) return resetInDatabase(io, name, password);
        const client = await apiClient(io, flags);
        const user = await userByName(client, name);
        printCreated(
          io,
          'reset the password of',
          await client.post<Created>(`/users/${user.id}/password`, { password }),
        );
        io.stdout('their sessions ended and their login locks are cleared\n');
        return ExitCode.ok;
      },
    ),
  );
}
