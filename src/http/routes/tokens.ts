import { Type } from '@sinclair/typebox';
import { createApiToken, listApiTokens, revokeApiToken } from '../../db/api-tokens.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import { hasRole } from '../../domain/roles.ts';
import { API_TOKEN_PREFIX, hashToken, newToken } from '../../security/tokens.ts';
import type { App, HttpDeps } from '../app.ts';
import { CreatedToken, CreateToken, ErrorBody, IdParams, Token } from '../schemas.ts';

export function tokenRoutes(app: App, deps: HttpDeps): void {
  app.get(
    '/tokens',
    {
      schema: { tags: ['tokens'], summary: "The caller's API tokens", response: { 200: Type.Array(Token) } },
    },
    async (request) => listApiTokens(deps.db, request.user!.id),
  );

  app.post(
    '/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary:
          'Create an API token with at most your role and an expiry; the secret is in this response only',
        body: CreateToken,
        response: { 201: CreatedToken, 400: ErrorBody },
      },
    },
    async (request, reply) => {
      const caller = request.user!;
      const role = request.body.role ?? caller.role;
      if (!hasRole(caller.role, role)) {
        throw invalid('body.role', `a token cannot have more rights than you; you are ${caller.role}`);
      }
      const secret = newToken(API_TOKEN_PREFIX);
      const days = request.body.expiresInDays ?? 90;
      const token = await createApiToken(deps.db, {
        userId: request.user!.id,
        name: request.body.name,
        tokenHash: hashToken(secret),
        prefix: secret.slice(0, API_TOKEN_PREFIX.length + 4),
        expiresAt: new Date(Date.now() + days * 86400_000),
        role,
      });
      return reply.status(201).send({ token, secret });
    },
  );

  app.delete(
    '/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      if (!(await revokeApiToken(deps.db, request.user!.id, request.params.id)))
        throw notFound('token', request.params.id);
      return reply.status(204).send(null);
    },
  );
}
