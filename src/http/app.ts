/** Types shared by the HTTP layer: the Fastify instance with TypeBox types, and what routes need. */
import type {} from '@fastify/rate-limit';
import type {} from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {} from '@fastify/websocket';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import type { Db } from '../db/pool.ts';
import type { UserRow } from '../db/users.ts';
import type { ProjectAccess, Scope } from '../domain/projects.ts';
import type { Vault } from '../security/vault.ts';
import type { Hub } from './hub.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface HttpDeps {
  readonly db: Db;
  readonly vault: Vault;
  readonly config: Config;
  readonly log: Logger;
  readonly hub: Hub;
}

export type Role = UserRow['role'];

/** Who may call a route: nobody needs to log in for `public`. */
export type Access = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Least role allowed; routes without one need any logged-in user. */
    access?: Access;
  }
  interface FastifyRequest {
    user: UserRow | null;
    /** How the request authenticated; CSRF applies to cookie sessions only. */
    authMethod: 'session' | 'token' | null;
    csrfToken: string | null;
    /** The caller's effective role per project (admins: every project). */
    access: ProjectAccess;
    /** The projects in which the caller holds the role this route needs; pass it to db functions. */
    scope: Scope;
  }
}
