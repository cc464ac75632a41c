/** `orca login` (password → API token saved 0600) and `orca logout`. */
import { hostname } from 'node:os';
import type { Static } from '@sinclair/typebox';
import type { Command } from 'commander';
import type { CreatedToken, Me, Token } from '../http/schemas.ts';
import { ApiClient, ApiError, type Session } from './client.ts';
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
    .option('--with-token', 'save an API token created in the web UI (for single sign-on users) instead')
    .addHelpText(
      'after',
      '\nThe password (or, with --with-token, the token) is asked without echo, read from standard input when piped, or taken from $ORCA_PASSWORD.',
    )
    .action(
      action(io, async (flags: { url?: string; username?: string; withToken?: boolean }) => {
        const stored = await readConfig(io.configDir).catch(() => null);
        const url = normalizeUrl(flags.url || io.env.ORCA_URL || stored?.url || DEFAULT_URL);
        if (flags.withToken) return saveToken(io, url);
        const username = flags.username || io.env.ORCA_USERNAME || (await askUsername(io));
        const password =
          io.env.ORCA_PASSWORD || (await readSecret(io, `password for ${username} at ${url}: `, 'password'));

        const anonymous = new ApiClient(url, null);
        const login = await anonymous
          .send<MeBody>('POST', '/auth/login', { body: { username, password } })
          .catch(async (error: unknown) => {
            throw await withSsoHint(anonymous, error);
          });
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

/** `orca login --with-token`: a token from the web UI's API tokens page, checked, then saved. */
async function saveToken(io: CliIo, url: string): Promise<number> {
  const token = await readSecret(io, `API token for ${url}: `, 'API token');
  const me = await new ApiClient(url, token).get<MeBody>('/auth/me');
  const path = await writeConfig(io.configDir, { url, token });
  io.stdout(`logged in to ${url} as ${me.user.username}; the API token is saved in ${path}\n`);
  return ExitCode.ok;
}

/** A refused password login on a server with single sign-on says how SSO users log in here. */
async function withSsoHint(client: ApiClient, error: unknown): Promise<unknown> {
  if (!(error instanceof ApiError) || error.status !== 401) return error;
  const providers = await client
    .get<{ oidc: { label: string } | null }>('/auth/providers')
    .catch(() => ({ oidc: null }));
  if (!providers.oidc) return error;
  return new CliError(
    `${error.message}. Users who sign in with ${providers.oidc.label}: create an API token under API tokens in the web UI, then run \`orca login --with-token\``,
  );
}

async function askUsername(io: CliIo): Promise<string> {
  if (!io.stdin?.isTTY)
    throw usageError('give --username (or ORCA_USERNAME) when standard input is not a terminal');
  const name = await promptLine(io, 'username: ');
  if (!name) throw usageError('no user name given');
  return name;
}
