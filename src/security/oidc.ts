/**
 * The OpenID Connect relying party (openid-client): discovery on first use and retried while
 * the provider is unreachable, the authorization request (code + PKCE S256 + state + nonce), and
 * the callback's code exchange with every check the library makes (state, issuer, PKCE at the
 * provider, ID token signature, audience, expiry, nonce).
 */
import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { OidcSettings } from '../config/index.ts';
import { ErrorCode, OrcaError } from '../domain/errors.ts';
import { claimAt } from '../domain/oidc-claims.ts';

/** Discovery is trusted this long, then fetched again (new endpoints, keys are fetched as needed). */
const REFRESH_MS = 60 * 60_000;
const ATTEMPTS = 3;
const TIMEOUT_S = 10;

export interface AuthorizationStart {
  readonly url: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface CallbackChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** The claims of the verified ID token, completed from the UserInfo endpoint when they lack the mapped ones. */
export interface VerifiedClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class OidcClient {
  private cached: { config: client.Configuration; at: number } | null = null;
  private inflight: Promise<client.Configuration> | null = null;

  constructor(
    private readonly settings: OidcSettings,
    private readonly log: Logger,
  ) {}

  /** The provider's configuration; a provider still down after the retries is a clear `unavailable`. */
  async configuration(): Promise<client.Configuration> {
    const cached = this.cached;
    if (cached && Date.now() - cached.at < REFRESH_MS) return cached.config;
    this.inflight ??= this.discover().finally(() => {
      this.inflight = null;
    });
    try {
      return await this.inflight;
    } catch (error) {
      // A stale configuration still works while the provider's discovery document is unreachable.
      if (cached) return cached.config;
      throw new OrcaError(
        ErrorCode.unavailable,
        `the identity provider ${this.settings.issuer} cannot be reached (${reasonOf(error)}); try again in a moment`,
      );
    }
  }

  private async discover(): Promise<client.Configuration> {
    let last: unknown;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        const config = await client.discovery(
          new URL(this.settings.issuer),
          this.settings.clientId,
          this.settings.clientSecret,
          undefined,
          {
            timeout: TIMEOUT_S,
            ...(this.settings.allowHttp && { execute: [client.allowInsecureRequests] }),
          },
        );
        this.cached = { config, at: Date.now() };
        this.log.info({ issuer: this.settings.issuer }, 'OpenID Connect provider discovered');
        return config;
      } catch (error) {
        last = error;
        this.log.warn(
          { issuer: this.settings.issuer, attempt, err: reasonOf(error) },
          'OpenID Connect discovery failed',
        );
        if (attempt < ATTEMPTS) await sleep(250 * 2 ** attempt);
      }
    }
    throw last;
  }

  /** The provider's URL to send the browser to, and the secrets the callback must check against. */
  async begin(redirectUri: string): Promise<AuthorizationStart> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.settings.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, codeVerifier };
  }

  /** Exchanges the code of `callbackUrl` and verifies the answer; refusals are `unauthenticated`. */
  async finish(callbackUrl: URL, checks: CallbackChecks): Promise<VerifiedClaims> {
    const config = await this.configuration();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      this.log.warn(
        { issuer: this.settings.issuer, err: reasonOf(error) },
        'OpenID Connect code exchange refused',
      );
      throw refusal(error);
    }
    const idToken = tokens.claims();
    if (!idToken) throw new OrcaError(ErrorCode.unauthenticated, 'the identity provider sent no ID token');
    let claims: Record<string, unknown> = { ...idToken };
    const wanted = [this.settings.roleClaim, this.settings.usernameClaims[0] ?? 'sub'];
    if (
      wanted.some((name) => claimAt(claims, name) === undefined) &&
      config.serverMetadata().userinfo_endpoint &&
      tokens.access_token
    ) {
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);
        // The ID token's own identity stays; the rest may come from UserInfo.
        claims = { ...claims, ...info, iss: idToken.iss, sub: idToken.sub };
      } catch (error) {
        this.log.warn(
          { issuer: this.settings.issuer, err: reasonOf(error) },
          'OpenID Connect UserInfo failed',
        );
        throw refusal(error);
      }
    }
    return { issuer: idToken.iss, subject: idToken.sub, claims };
  }
}

/** A short reason, never a stack: the provider's OAuth error, the library's code, or the message. */
function reasonOf(error: unknown): string {
  if (error instanceof client.ResponseBodyError) {
    return error.error_description ? `${error.error}: ${error.error_description}` : error.error;
  }
  if (error instanceof client.AuthorizationResponseError) return error.error;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`.slice(0, 300);
  }
  return String(error).slice(0, 300);
}

function refusal(error: unknown): OrcaError {
  if (error instanceof TypeError || (error instanceof Error && error.name === 'TimeoutError')) {
    return new OrcaError(
      ErrorCode.unavailable,
      `the identity provider cannot be reached (${reasonOf(error)})`,
    );
  }
  return new OrcaError(
    ErrorCode.unauthenticated,
    `the identity provider's answer was refused (${reasonOf(error)}); start again from the sign-in page`,
  );
}
