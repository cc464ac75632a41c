/** One mechanism for every route: who is calling (session cookie or API token) and may they. */
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findUserByToken } from '../db/api-tokens.ts';
import { membershipsOf } from '../db/projects.ts';
import { findSession } from '../db/sessions.ts';
import { ErrorCode, OrcaError } from '../domain/errors.ts';
import { NO_ACCESS, NO_PROJECT, projectAccess, scopeAt } from '../domain/projects.ts';
import { hasRole, type Role } from '../domain/roles.ts';
import { hashToken, safeEqual } from '../security/tokens.ts';
import type { Access, HttpDeps } from './app.ts';

export const SESSION_COOKIE = 'orca_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const ENDED = {
  expired: 'your session has expired; log in again',
  idle: 'your session ended after a time without activity; log in again',
  disabled: 'your account is disabled; ask an admin',
} as const;

async function identify(deps: HttpDeps, request: FastifyRequest): Promise<void> {
  request.user = null;
  request.authMethod = null;
  request.csrfToken = null;
  request.access = NO_ACCESS;
  request.scope = NO_PROJECT;
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      throw new OrcaError(ErrorCode.unauthenticated, 'the Authorization header must be "Bearer <token>"');
    const user = await findUserByToken(deps.db, hashToken(match[1]));
    if (!user) throw new OrcaError(ErrorCode.unauthenticated, 'the API token is unknown, expired or revoked');
    request.user = user;
    request.authMethod = 'token';
    return;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) {
    const session = await findSession(deps.db, hashToken(cookie), deps.config.sessionIdleMs);
    if (session?.state === 'live') {
      request.user = session.user;
      request.authMethod = 'session';
      request.csrfToken = session.csrfToken;
    } else if (session) {
      throw new OrcaError(ErrorCode.unauthenticated, ENDED[session.state]);
    }
  }
}

/** A browser request from another site must not ride on the session cookie. */
function checkCsrf(request: FastifyRequest): void {
  if (request.authMethod !== 'session' || SAFE_METHODS.has(request.method)) return;
  const sent = request.headers[CSRF_HEADER];
  if (typeof sent !== 'string' || !request.csrfToken || !safeEqual(sent, request.csrfToken)) {
    throw new OrcaError(
      ErrorCode.forbidden,
      `missing or wrong ${CSRF_HEADER} header; reload the page and try again`,
    );
  }
}

/** WebSocket upgrades carry cookies but no custom headers: require a same-origin Origin instead. */
function checkOrigin(request: FastifyRequest): void {
  if (request.authMethod !== 'session' || request.headers.upgrade?.toLowerCase() !== 'websocket') return;
  const origin = request.headers.origin;
  if (!origin) return;
  const host = request.headers.host;
  if (!host || new URL(origin).host !== host) {
    throw new OrcaError(ErrorCode.forbidden, 'cross-origin WebSocket connections are not allowed');
  }
}

export function authHook(deps: HttpDeps) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const access: Access | undefined = request.routeOptions.config?.access;
    if (access === 'public') {
      // Still identify, so public routes such as login can see an existing session.
      await identify(deps, request).catch(() => {});
      return;
    }
    await identify(deps, request);
    if (!request.user) throw new OrcaError(ErrorCode.unauthenticated, 'log in or send an API token');
    checkCsrf(request);
    checkOrigin(request);
    const needed: Role = access ?? 'viewer';
    if (!hasRole(request.user.role, needed)) {
      throw new OrcaError(ErrorCode.forbidden, `this needs the ${needed} role; you are ${request.user.role}`);
    }
    // The projects this request may touch, once: db functions filter by it (src/http/scope.ts).
    request.access = projectAccess(request.user.role, await membershipsOf(deps.db, request.user.id));
    request.scope = scopeAt(request.access, needed);
  };
}
