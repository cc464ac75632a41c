/**
 * Single sign-on with OpenID Connect: the sign-in options, the start of a login (to the
 * provider, with PKCE, state and nonce kept server-side) and the callback that turns the
 * provider's answer into the same session a password login gets. Browser routes: refusals are a
 * short HTML page with the reason, never a stack trace.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OidcSettings } from '../../config/index.ts';
import { appendAudit } from '../../db/audit.ts';
import { savePendingLogin, takePendingLogin } from '../../db/oidc.ts';
import { createSession } from '../../db/sessions.ts';
import type { UserRow } from '../../db/users.ts';
import { recordLogin } from '../../db/users.ts';
import { ErrorCode, OrcaError } from '../../domain/errors.ts';
import { safeReturnTo } from '../../domain/oidc-claims.ts';
import { OidcClient } from '../../security/oidc.ts';
import { signInUser } from '../../security/oidc-users.ts';
import { hashToken, newToken, safeEqual } from '../../security/tokens.ts';
import type { App, HttpDeps } from '../app.ts';
import { SESSION_COOKIE } from '../auth.ts';

const BASE = '/api/v1/auth/oidc';
const CALLBACK = `${BASE}/callback`;
/** Time between leaving for the provider and coming back; a login left longer starts again. */
const PENDING_TTL_MS = 10 * 60_000;

/** One cookie per login in flight, named after its state, so two tabs do not undo each other. */
const pendingCookie = (state: string) => `orca_oidc_${hashToken(state).slice(0, 16)}`;

export const AuthProviders = Type.Object({
  password: Type.Boolean({ description: 'user name and password sign-in (always on)' }),
  oidc: Type.Union([
    Type.Object({
      label: Type.String({ description: 'the button says "Sign in with <label>"' }),
      loginUrl: Type.String({ description: `${BASE}/login; add ?returnTo=/path` }),
    }),
    Type.Null(),
  ]),
});

const LoginQuery = Type.Object({
  returnTo: Type.Optional(
    Type.String({ maxLength: 2048, description: 'a path of this site to land on, e.g. /runs' }),
  ),
});

const CallbackQuery = Type.Object({
  code: Type.Optional(Type.String({ maxLength: 4096 })),
  state: Type.Optional(Type.String({ maxLength: 1024 })),
  iss: Type.Optional(Type.String({ maxLength: 2048 })),
  error: Type.Optional(Type.String({ maxLength: 256 })),
  error_description: Type.Optional(Type.String({ maxLength: 1024 })),
});

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.unauthenticated]: 401,
  [ErrorCode.forbidden]: 403,
  [ErrorCode.notFound]: 404,
  [ErrorCode.conflict]: 409,
  [ErrorCode.unavailable]: 503,
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The refusal page: what went wrong in words, and the way back. */
function refusalPage(reply: FastifyReply, status: number, message: string): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in refused · orca</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style></head><body><h1>Sign-in refused</h1><p data-testid="sso-error">${escapeHtml(message)}</p><p><a href="/login">Back to the sign-in page</a></p></body></html>`,
    );
}

export function oidcRoutes(app: App, deps: HttpDeps): void {
  const settings = deps.config.oidc;
  const sso = settings ? new OidcClient(settings, deps.log.child({ part: 'oidc' })) : null;
  // Discover early so the first click is quick; a provider that is down now is retried on use.
  sso?.configuration().catch(() => {});
  let warned = false;

  /** `${ORCA_PUBLIC_URL}/api/v1/auth/oidc/callback`, else built from the request (with a warning once). */
  const redirectUri = (s: OidcSettings, request: FastifyRequest): string => {
    if (s.publicUrl) return `${s.publicUrl}${CALLBACK}`;
    if (!/^[a-z0-9.\-[\]:]+$/i.test(request.host)) {
      throw new OrcaError(ErrorCode.validation, 'the request has no usable Host header');
    }
    if (!warned) {
      warned = true;
      deps.log.warn(
        { host: request.host },
        'ORCA_PUBLIC_URL is unset: the OpenID Connect redirect URL is taken from the request; set it to the address users open',
      );
    }
    return `${request.protocol}://${request.host}${CALLBACK}`;
  };

  const audit = async (
    request: FastifyRequest,
    outcome: { status: number; actor: string | null; user?: UserRow; detail: Record<string, unknown> },
  ) => {
    try {
      await appendAudit(deps.db, {
        actor: outcome.user?.username ?? outcome.actor ?? 'anonymous',
        userId: outcome.user?.id ?? null,
        via: 'public',
        address: request.ip,
        method: request.method,
        route: CALLBACK,
        path: CALLBACK,
        action: 'auth.oidc.login',
        targetId: outcome.user?.id ?? null,
        status: outcome.status,
        request: { issuer: settings?.issuer ?? null, ...outcome.detail },
      });
    } catch (error) {
      deps.log.error({ err: String(error) }, 'could not write the audit entry');
    }
  };

  app.get(
    '/auth/providers',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'How users can sign in: password, and single sign-on when configured',
        response: { 200: AuthProviders },
      },
    },
    async () => ({
      password: true,
      oidc: settings ? { label: settings.label, loginUrl: `${BASE}/login` } : null,
    }),
  );

  app.get(
    '/auth/oidc/login',
    {
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Start single sign-on: redirects the browser to the OpenID Connect provider',
        querystring: LoginQuery,
      },
    },
    async (request, reply) => {
      if (!settings || !sso)
        return refusalPage(reply, 404, 'single sign-on is not configured on this server');
      try {
        const uri = redirectUri(settings, request);
        const start = await sso.begin(uri);
        const binding = newToken();
        await savePendingLogin(deps.db, hashToken(start.state), {
          bindingHash: hashToken(binding),
          codeVerifier: start.codeVerifier,
          nonce: start.nonce,
          redirectUri: uri,
          returnTo: safeReturnTo(request.query.returnTo),
          expiresAt: new Date(Date.now() + PENDING_TTL_MS),
        });
        // Lax: the provider's redirect back is a top-level navigation from another site.
        reply.setCookie(pendingCookie(start.state), binding, {
          path: BASE,
          httpOnly: true,
          sameSite: 'lax',
          secure: request.protocol === 'https',
          maxAge: PENDING_TTL_MS / 1000,
        });
        return reply.header('cache-control', 'no-store').redirect(start.url, 302);
      } catch (error) {
        if (!(error instanceof OrcaError)) throw error;
        return refusalPage(reply, STATUS[error.code] ?? 400, error.message);
      }
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      config: { access: 'public', rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Where the OpenID Connect provider sends the browser back; sets the session cookie',
        querystring: CallbackQuery,
      },
    },
    async (request, reply) => {
      if (!settings || !sso)
        return refusalPage(reply, 404, 'single sign-on is not configured on this server');
      const q = request.query;
      const refuse = async (status: number, message: string, actor: string | null = null) => {
        await audit(request, { status, actor, detail: { refused: message } });
        return refusalPage(reply, status, message);
      };
      const pending = q.state ? await takePendingLogin(deps.db, hashToken(q.state)) : undefined;
      if (q.state) reply.clearCookie(pendingCookie(q.state), { path: BASE });
      if (q.error) {
        // The provider's words, without control characters (they reach the page and the audit log).
        const why = (q.error_description ? `${q.error}: ${q.error_description}` : q.error).replace(
          // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
          /[\u0000-\u001f\u007f]/g,
          ' ',
        );
        return refuse(401, `the identity provider did not sign you in (${why})`);
      }
      if (!q.state || !pending) {
        return refuse(400, 'this sign-in has expired or was already used; start again from the sign-in page');
      }
      const binding = request.cookies[pendingCookie(q.state)];
      if (!binding || !safeEqual(hashToken(binding), pending.bindingHash)) {
        return refuse(400, 'this sign-in was started in another browser; start again from the sign-in page');
      }
      // The URL the provider redirected to, as openid-client checks it (state, iss, code).
      const callbackUrl = new URL(pending.redirectUri);
      const query = request.url.indexOf('?');
      callbackUrl.search = query < 0 ? '' : request.url.slice(query);
      let verified: Awaited<ReturnType<OidcClient['finish']>>;
      try {
        verified = await sso.finish(callbackUrl, {
          state: q.state,
          nonce: pending.nonce,
          codeVerifier: pending.codeVerifier,
        });
      } catch (error) {
        if (!(error instanceof OrcaError)) throw error;
        return refuse(STATUS[error.code] ?? 401, error.message);
      }
      const outcome = await signInUser(deps.db, settings, verified);
      if (!outcome.ok) return refuse(outcome.status, outcome.message, outcome.username);
      const user = outcome.user;
      const token = newToken();
      await createSession(deps.db, {
        idHash: hashToken(token),
        userId: user.id,
        csrfToken: newToken(),
        expiresAt: new Date(Date.now() + deps.config.sessionTtlMs),
      });
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        maxAge: Math.floor(deps.config.sessionTtlMs / 1000),
      });
      await recordLogin(deps.db, user.id);
      await audit(request, {
        status: 200,
        actor: user.username,
        user,
        detail: { subject: verified.subject, role: user.role, created: outcome.created },
      });
      return reply.header('cache-control', 'no-store').redirect(pending.returnTo, 302);
    },
  );
}
