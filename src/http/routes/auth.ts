/** Log in (throttled per account and address), log out, log out everywhere, change one's password. */
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCounters, recordFailure, recordSuccess } from '../../db/login-throttle.ts';
import { createSession, deleteSession, deleteUserSessions } from '../../db/sessions.ts';
import { findUserForLogin, getPasswordHash, recordLogin, setPasswordHash, toUser } from '../../db/users.ts';
import { ErrorCode, invalid, OrcaError } from '../../domain/errors.ts';
import { describeWait, waitMs } from '../../domain/login-throttle.ts';
import { checkNewPassword } from '../../domain/user-admin.ts';
import { decoyHash, hashPassword, verifyPassword } from '../../security/passwords.ts';
import { hashToken, newToken } from '../../security/tokens.ts';
import type { App, HttpDeps } from '../app.ts';
import { SESSION_COOKIE } from '../auth.ts';
import { ErrorBody, LoginBody, Me } from '../schemas.ts';
import { ChangePassword, SessionsEnded } from '../user-schemas.ts';

/** Refuses with 429 and Retry-After while failed logins hold this account or address back. */
async function checkThrottle(
  deps: HttpDeps,
  reply: FastifyReply,
  subjects: { username: string; address: string },
): Promise<void> {
  const counters = await readCounters(deps.db, subjects);
  const wait = waitMs(counters, counters.knownAddress, new Date());
  if (wait <= 0) return;
  reply.header('retry-after', String(Math.ceil(wait / 1000)));
  throw new OrcaError(
    ErrorCode.rateLimited,
    `too many failed logins; try again in ${describeWait(wait)} (an admin can unlock the account)`,
  );
}

function sessionCookieCleared(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

const currentSessionHash = (request: FastifyRequest): string | undefined => {
  const cookie = request.authMethod === 'session' ? request.cookies[SESSION_COOKIE] : undefined;
  return cookie ? hashToken(cookie) : undefined;
};

export function authRoutes(app: App, deps: HttpDeps): void {
  app.post(
    '/auth/login',
    {
      // A per-process flood guard; the failed-login counters that lock are in the database.
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Log in with a user name and password; sets the session cookie',
        description:
          'Failed logins are counted per user name and address (5 failures lock that pair for 1 minute, doubling to 15), per address across accounts, and per account across new addresses (a short throttle only). Locks answer 429 with Retry-After.',
        body: LoginBody,
        response: { 200: Me, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const subjects = { username, address: request.ip };
      await checkThrottle(deps, reply, subjects);
      const user = await findUserForLogin(deps.db, username);
      // Verify against a decoy when the user is unknown, so timing does not tell who exists.
      const ok = await verifyPassword(user?.password_hash ?? (await decoyHash()), password);
      if (!user || !ok || user.disabled) {
        await recordFailure(deps.db, subjects);
        throw new OrcaError(ErrorCode.unauthenticated, 'wrong user name or password');
      }
      await recordSuccess(deps.db, subjects);
      await recordLogin(deps.db, user.id);
      const token = newToken();
      const csrfToken = newToken();
      await createSession(deps.db, {
        idHash: hashToken(token),
        userId: user.id,
        csrfToken,
        expiresAt: new Date(Date.now() + deps.config.sessionTtlMs),
      });
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        maxAge: Math.floor(deps.config.sessionTtlMs / 1000),
      });
      return { user: toUser(user), csrfToken };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the current session', response: { 204: Type.Null() } } },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) await deleteSession(deps.db, hashToken(cookie));
      sessionCookieCleared(reply);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/logout-all',
    {
      schema: {
        tags: ['auth'],
        summary: "End all of the caller's sessions, in every browser (API tokens stay valid)",
        response: { 200: SessionsEnded },
      },
    },
    async (request, reply) => {
      const sessionsEnded = await deleteUserSessions(deps.db, request.user!.id);
      sessionCookieCleared(reply);
      return { sessionsEnded };
    },
  );

  app.post(
    '/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: "Change one's own password; ends one's other sessions",
        body: ChangePassword,
        response: { 200: SessionsEnded, 400: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const user = request.user!;
      const { currentPassword, newPassword } = request.body;
      const subjects = { username: user.username, address: request.ip };
      // A stolen session must not become a way to guess the password without limit.
      await checkThrottle(deps, reply, subjects);
      const hash = await getPasswordHash(deps.db, user.id);
      if (hash === null)
        throw invalid(
          'body.currentPassword',
          'you sign in through single sign-on; change your password at the provider',
        );
      if (!hash || !(await verifyPassword(hash, currentPassword))) {
        await recordFailure(deps.db, subjects);
        throw invalid('body.currentPassword', 'is not your current password');
      }
      if (newPassword === currentPassword)
        throw invalid('body.newPassword', 'must differ from the current password');
      checkNewPassword('body.newPassword', newPassword, user.username);
      await setPasswordHash(deps.db, user.id, await hashPassword(newPassword));
      const sessionsEnded = await deleteUserSessions(deps.db, user.id, currentSessionHash(request));
      return { sessionsEnded };
    },
  );

  app.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: Me } } },
    async (request) => ({ user: toUser(request.user!), csrfToken: request.csrfToken }),
  );
}
