/** `orca tokens list|create|revoke`: the caller's API tokens (a role at most one's own, an expiry). */
import type { Static } from '@sinclair/typebox';
import { type Command, InvalidArgumentError } from 'commander';
import { ROLES, type Role } from '../domain/roles.ts';
import type { CreatedToken, Token } from '../http/schemas.ts';
import {
  action,
  apiClient,
  type ConnectionFlags,
  positiveInt,
  printJson,
  subcommand,
  withConnection,
} from './common.ts';
import { CliError, type CliIo, ExitCode } from './io.ts';
import { formatTime, table } from './output.ts';

type Created = Static<typeof CreatedToken>;

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

export function tokensTable(list: readonly Token[]): string {
  return table(
    ['NAME', 'TOKEN', 'ROLE', 'CREATED', 'EXPIRES', 'LAST USED'],
    list.map((t) => [
      t.name,
      `${t.prefix}…`,
      t.role ?? 'yours',
      formatTime(t.createdAt),
      t.expiresAt ? formatTime(t.expiresAt) : 'never',
      t.lastUsedAt ? formatTime(t.lastUsedAt) : 'never',
    ]),
  );
}

export function registerTokens(program: Command, io: CliIo): void {
  const tokens = subcommand(program, 'tokens', io).description('your API tokens: list, create, revoke');

  withConnection(
    subcommand(tokens, 'list', io)
      .description('your live API tokens (never their secrets)')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ConnectionFlags & { json?: boolean }) => {
      const list = await (await apiClient(io, flags)).get<Token[]>('/tokens');
      if (flags.json) printJson(io, list);
      else if (list.length === 0) io.stdout('no API tokens; create one with `orca tokens create <name>`\n');
      else io.stdout(tokensTable(list));
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(tokens, 'create <name>', io)
      .description('create an API token; its secret is printed once')
      .option('--role <role>', `what it may do, at most your role (${ROLES.join(', ')})`, role)
      .option('--expires-in-days <n>', 'days until it expires (default 90, at most 365)', positiveInt)
      .option('--json', 'print JSON'),
  ).action(
    action(
      io,
      async (
        name: string,
        flags: ConnectionFlags & { role?: Role; expiresInDays?: number; json?: boolean },
      ) => {
        const client = await apiClient(io, flags);
        const created = await client.post<Created>('/tokens', {
          name,
          role: flags.role,
          expiresInDays: flags.expiresInDays,
        });
        if (flags.json) printJson(io, created);
        else
          io.stdout(
            `created token ${name} (${created.token.role ?? 'your role'}, expires ${created.token.expiresAt ? formatTime(created.token.expiresAt) : 'never'})\n${created.secret}\nstore it now: it is not shown again\n`,
          );
        return ExitCode.ok;
      },
    ),
  );

  withConnection(
    subcommand(tokens, 'revoke <name-or-id>', io).description(
      'revoke an API token; its users get 401 at once',
    ),
  ).action(
    action(io, async (ref: string, flags: ConnectionFlags) => {
      const client = await apiClient(io, flags);
      const matches = (await client.get<Token[]>('/tokens')).filter((t) => t.id === ref || t.name === ref);
      if (matches.length === 0) throw new CliError(`no token named ${ref}; \`orca tokens list\` shows yours`);
      if (matches.length > 1)
        throw new CliError(`${matches.length} tokens are named ${ref}; revoke one by its id`);
      const [token] = matches;
      if (token) await client.delete(`/tokens/${token.id}`);
      io.stdout(`revoked ${ref}\n`);
      return ExitCode.ok;
    }),
  );
}
