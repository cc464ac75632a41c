/**
 * A real OpenID Connect provider (the certified `oidc-provider` library) on a random loopback
 * port, for single sign-on tests. Its login page takes any password for the accounts the test
 * sets; PKCE is required of every client; ID tokens are RS256 with the account's claims
 * (`groups` among them). The server listens at once, but answers 503 until `register` gives it
 * orca's redirect URL: orca can be started against a provider that is not up yet.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Provider from 'oidc-provider';

export interface TestAccount {
  readonly sub: string;
  readonly preferred_username?: string;
  readonly email?: string;
  readonly groups?: readonly string[];
  /** Send `groups` from the UserInfo endpoint only, not in the ID token. */
  readonly groupsInUserinfoOnly?: boolean;
}

export interface TestOidcProvider {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Adds or replaces an account (its groups may change between logins). */
  setAccount(account: TestAccount): void;
  /** Starts answering, with this client redirect URL registered. */
  register(redirectUri: string): void;
  /** Errors the provider hit while answering (a test that expects none asserts this is empty). */
  readonly serverErrors: string[];
  stop(): Promise<void>;
}

export interface OidcProviderOptions {
  /** Host name in the issuer URL (default 127.0.0.1); `localhost` makes it another site than orca's 127.0.0.1. */
  readonly host?: string;
}

export async function startOidcProvider(options: OidcProviderOptions = {}): Promise<TestOidcProvider> {
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server: Server = createServer((req, res) => {
    if (!handler) {
      res.statusCode = 503;
      res.end('not started yet');
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const issuer = `http://${options.host ?? '127.0.0.1'}:${port}`;
  const accounts = new Map<string, TestAccount>();
  const serverErrors: string[] = [];
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };
  const clientId = 'orca-test';
  const clientSecret = 'orca-test-client-secret';

  return {
    issuer,
    clientId,
    clientSecret,
    serverErrors,
    setAccount(account) {
      accounts.set(account.sub, account);
    },
    register(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [redirectUri],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_post',
          },
        ],
        jwks: { keys: [jwk] },
        cookies: { keys: ['oidc-test-cookie-key'] },
        // Every client must send an S256 code challenge, confidential or not.
        pkce: { required: () => true },
        // The scope claims go in the ID token as well (as Keycloak and Entra ID do with groups).
        conformIdTokenClaims: false,
        claims: {
          openid: ['sub'],
          profile: ['preferred_username'],
          email: ['email'],
          groups: ['groups'],
        },
        findAccount: async (_ctx: unknown, id: string) => {
          const account = accounts.get(id);
          if (!account) return undefined;
          return {
            accountId: id,
            claims: async (use: 'id_token' | 'userinfo') => {
              const { groupsInUserinfoOnly, groups, ...rest } = account;
              const withGroups = groups && (use === 'userinfo' || !groupsInUserinfoOnly);
              return { ...rest, ...(withGroups && { groups: [...groups] }) };
            },
          };
        },
      });
      provider.on('server_error', (_ctx: unknown, error: unknown) => serverErrors.push(String(error)));
      handler = provider.callback();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
