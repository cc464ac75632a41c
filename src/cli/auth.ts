/** `orca login` (password → API token saved 0600) and `orca logout`. */
import { hostname } from 'node:os';
import type { Static } from '@sinclair/typebox';
import type { Command } from 'commander';
import type { CreatedToken, Me, Token } from '../http/schemas.ts';
import { ApiClient, type Session } from './client.ts';
import { action, subcommand } from './common.ts';
import { DEFAULT_URL, normalizeUrl, readConfig, removeConfig, writeConfig } from './config.ts';
import { CliError, type CliIo, ExitCode, usageError } from './io.ts';
import { promptLine, readSecret } from './prompt.ts';

type MeBody = Static<typeof Me>;
type CreatedTokenBody = Static<typeof CreatedToken>;

const SESSION_COOKIE = 'orca_session';

/** `orca_session=…` from the login response's Set-Cookie headers. */
export function sessionCookie(headers: Headers): string | null {
  for (const line of headers.getSetCookie()) {
    const pair = line.split(';')[0]?.trim() ?? '';
    if (pair.startsWith(`${SESSION_COOKIE}=`)) return pair;
  }
  return null;
}

/** `cli@<hostname>`, within the API's 128 characters. */
export const tokenName = (host: string): string => `cli@${host}`.slice(0, 128);

export function registerAuth(program: Command, io: CliIo): void {
  subcommand(program, 'login', io)
    .description('log in with your password and save an API token for the other commands')
    .option('--url <url>', 'orca server (default: $ORCA_URL, else the saved one, else http://localhost:8080)')
    .option('--username <name>', 'user name (default: $ORCA_USERNAME, else asked)')
    .addHelpText(
      'after',
      '\nThe password is asked without echo, read from standard input when piped, or taken from $ORCA_PASSWORD.',
    )
    .action(
      action(io, async (flags: { url?: string; username?: string }) => {
        const stored = await readConfig(io.configDir).catch(() => null);
        const url = normalizeUrl(flags.url || io.env.ORCA_URL || stored?.url || DEFAULT_URL);
        const username = flags.username || io.env.ORCA_USERNAME || (await askUsername(io));
        const password =
          io.env.ORCA_PASSWORD || (await readSecret(io, `password for ${username} at ${url}: `, 'password'));

        const anonymous = new ApiClient(url, null);
        const login = await anonymous.send<MeBody>('POST', '/auth/login', { body: { username, password } });
        const cookie = sessionCookie(login.headers);
        if (!cookie)
          throw new CliError(
            `${url} accepted the login but set no ${SESSION_COOKIE} cookie; is it an orca server?`,
          );
        const session: Session = { cookie, csrfToken: login.body.csrfToken ?? '' };
        const client = anonymous.withSession(session);
        const name = tokenName(io.hostname ?? hostname());
        const created = await client.post<CreatedTokenBody>('/tokens', { name });
        // The token is what we keep; the session is not needed any more.
        await client.send('POST', '/auth/logout').catch(() => {});
        const path = await writeConfig(io.configDir, { url, token: created.secret });
        io.stdout(
          `logged in to ${url} as ${login.body.user.username}; API token "${name}" saved in ${path}\n`,
        );
        return ExitCode.ok;
      }),
    );

  subcommand(program, 'logout', io)
    .description('revoke the saved API token and delete it')
    .action(
      action(io, async () => {
        const stored = await readConfig(io.configDir);
        if (!stored) {
          io.stdout('not logged in\n');
          return ExitCode.ok;
        }
        let revoked = false;
        try {
          const client = new ApiClient(normalizeUrl(stored.url), stored.token);
          const mine = (await client.get<Token[]>('/tokens')).filter((t) =>
            stored.token.startsWith(t.prefix),
          );
          if (mine.length === 1 && mine[0]) {
            await client.delete(`/tokens/${mine[0].id}`);
            revoked = true;
          }
        } catch (error) {
          io.stderr(
            `warning: could not revoke the token on the server: ${error instanceof Error ? error.message : String(error)}\n`,
          );
        }
        await removeConfig(io.configDir);
        io.stdout(`logged out of ${stored.url}${revoked ? '; the API token is revoked' : ''}\n`);
        return ExitCode.ok;
      }),
    );
}

async function askUsername(io: CliIo): Promise<string> {
  if (!io.stdin?.isTTY)
    throw usageError('give --username (or ORCA_USERNAME) when standard input is not a terminal');
  const name = await promptLine(io, 'username: ');
  if (!name) throw usageError('no user name given');
  return name;
}
