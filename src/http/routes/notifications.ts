/** Notification rules (`/notifications`) and their delivery log (`/notifications/deliveries`). */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  deleteRule,
  getRule,
  insertRule,
  listDeliveries,
  listRules,
  notificationSecretAad,
  updateRule,
} from '../../db/notifications.ts';
import type { Db } from '../../db/pool.ts';
import { inProjects } from '../../db/projects.ts';
import { ErrorCode, invalid, notFound, OrcaError } from '../../domain/errors.ts';
import type { App, HttpDeps } from '../app.ts';
import {
  CreateNotificationRule,
  DeliveryQuery,
  NotificationDelivery,
  NotificationRule,
  UpdateNotificationRule,
} from '../notification-schemas.ts';
import { conflictOnUnique } from '../pg-errors.ts';
import { IdParams } from '../schemas.ts';
import { found } from '../scope.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The rule's job (by name or id) among the caller's jobs, as its id; no job (a rule for every
 * job, of every project) is for admins only.
 */
async function jobId(db: Db, request: FastifyRequest, ref: string | null): Promise<string | null> {
  if (ref === null) {
    if (request.scope.ids !== null) {
      const message = 'a rule for every job needs the admin role; name a job of your project';
      throw new OrcaError(ErrorCode.forbidden, message, [{ path: 'body.job', message }]);
    }
    return null;
  }
  const job = await db
    .selectFrom('jobs')
    .select('id')
    .where(inProjects('project_id', request.scope))
    .where((w) => (UUID.test(ref) ? w.or([w('id', '=', ref), w('name', '=', ref)]) : w('name', '=', ref)))
    .executeTakeFirst();
  if (!job) throw invalid('body.job', `no job is named ${ref}`);
  return job.id;
}

export function notificationRoutes(app: App, deps: HttpDeps): void {
  const taken = (name: string) => conflictOnUnique(`a notification rule named ${name} exists`);
  const get = (request: FastifyRequest, id: string) =>
    found(request, 'notification rule', id, (scope) => getRule(deps.db, scope, id));

  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Notification rules',
        response: { 200: Type.Array(NotificationRule) },
      },
    },
    async (request) => listRules(deps.db, request.scope),
  );

  app.get(
    '/notifications/deliveries',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The delivery log, newest first',
        querystring: DeliveryQuery,
        response: { 200: Type.Array(NotificationDelivery) },
      },
    },
    async (request) =>
      listDeliveries(deps.db, request.scope, { ...request.query, limit: request.query.limit ?? 100 }),
  );

  app.get(
    '/notifications/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: 'One notification rule',
        params: IdParams,
        response: { 200: NotificationRule },
      },
    },
    async (request) => get(request, request.params.id),
  );

  app.post(
    '/notifications',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['notifications'],
        summary: 'Add a rule: a webhook or email on run start, success, failure or cancel',
        body: CreateNotificationRule,
        response: { 201: NotificationRule },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const id = randomUUID();
      const secret = b.kind === 'webhook' ? b.secret : undefined;
      await insertRule(
        deps.db,
        id,
        {
          name: b.name,
          jobId: await jobId(deps.db, request, b.job ?? null),
          events: b.events,
          kind: b.kind,
          url: b.kind === 'webhook' ? b.url : null,
          recipients: b.kind === 'email' ? b.recipients : null,
          sealed: secret ? deps.vault.seal(secret, notificationSecretAad(id)) : null,
          enabled: b.enabled ?? true,
        },
        request.user?.id ?? null,
      ).catch(taken(b.name));
      return reply.status(201).send(await get(request, id));
    },
  );

  app.patch(
    '/notifications/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['notifications'],
        summary: 'Change a rule; the kind stays',
        params: IdParams,
        body: UpdateNotificationRule,
        response: { 200: NotificationRule },
      },
    },
    async (request) => {
      const id = request.params.id;
      const rule = await get(request, id);
      const b = request.body;
      if (rule.kind === 'email' && (b.url !== undefined || b.secret !== undefined)) {
        throw invalid(
          b.url !== undefined ? 'body.url' : 'body.secret',
          'an email rule has no URL or signing key',
        );
      }
      if (rule.kind === 'webhook' && b.recipients !== undefined) {
        throw invalid('body.recipients', 'a webhook rule has no recipients');
      }
      await updateRule(deps.db, id, {
        ...(b.name !== undefined && { name: b.name }),
        ...(b.job !== undefined && { jobId: await jobId(deps.db, request, b.job) }),
        ...(b.events !== undefined && { events: b.events }),
        ...(b.url !== undefined && { url: b.url }),
        ...(b.recipients !== undefined && { recipients: b.recipients }),
        ...(b.secret !== undefined && {
          sealed: b.secret === null ? null : deps.vault.seal(b.secret, notificationSecretAad(id)),
        }),
        ...(b.enabled !== undefined && { enabled: b.enabled }),
      }).catch(taken(b.name ?? rule.name));
      return get(request, id);
    },
  );

  app.delete(
    '/notifications/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['notifications'],
        summary: 'Remove a rule and its delivery log',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await get(request, request.params.id);
      if (!(await deleteRule(deps.db, request.params.id)))
        throw notFound('notification rule', request.params.id);
      return reply.status(204).send(null);
    },
  );
}
