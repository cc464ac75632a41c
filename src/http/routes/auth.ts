import { Type } from '@sinclair/typebox';
import { createSession, deleteSession } from '../../db/sessions.ts';
import { findUserForLogin, toUser } from '../../db/users.ts';
import { ErrorCode, OrcaError } from '../../domain/errors.ts';
import { decoyHash, verifyPassword } from '../../security/passwords.ts';
import { hashToken, newToken } from '../../security/tokens.ts';
import type { App, HttpDeps } from '../app.ts';
import { SESSION_COOKIE } from '../auth.ts';
import { ErrorBody, LoginBody, Me } from '../schemas.ts';

export function authRoutes(app: App, deps: HttpDeps): void {
  app.post(
    '/auth/login',
    {
      config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Log in with a user name and password; sets the session cookie',
        body: LoginBody,
        response: { 200: Me, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const user = await findUserForLogin(deps.db, username);
      // Verify against a decoy when the user is unknown, so timing does not tell who exists.
      const ok = await verifyPassword(user?.password_hash ?? (await decoyHash()), password);
      if (!user || !ok || user.disabled) {
        throw new OrcaError(ErrorCode.unauthenticated, 'wrong user name or password');
      }
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
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: Me } } },
    async (request) => ({ user: toUser(request.user!), csrfToken: request.csrfToken }),
  );
}
