/** Notification rules (`/notifications`) and their delivery log (`/notifications/deliveries`). */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
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
import { invalid, notFound } from '../../domain/errors.ts';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A job named by name or id, as its id. */
async function jobId(db: Db, ref: string): Promise<string> {
  const job = await db
    .selectFrom('jobs')
    .select('id')
    .where((w) => (UUID.test(ref) ? w.or([w('id', '=', ref), w('name', '=', ref)]) : w('name', '=', ref)))
    .executeTakeFirst();
  if (!job) throw invalid('body.job', `no job is named ${ref}`);
  return job.id;
}

export function notificationRoutes(app: App, deps: HttpDeps): void {
  const taken = (name: string) => conflictOnUnique(`a notification rule named ${name} exists`);

  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Notification rules',
        response: { 200: Type.Array(NotificationRule) },
      },
    },
    async () => listRules(deps.db),
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
    async (request) => listDeliveries(deps.db, { ...request.query, limit: request.query.limit ?? 100 }),
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
    async (request) => {
      const rule = await getRule(deps.db, request.params.id);
      if (!rule) throw notFound('notification rule', request.params.id);
      return rule;
    },
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
          jobId: b.job === undefined ? null : await jobId(deps.db, b.job),
          events: b.events,
          kind: b.kind,
          url: b.kind === 'webhook' ? b.url : null,
          recipients: b.kind === 'email' ? b.recipients : null,
          sealed: secret ? deps.vault.seal(secret, notificationSecretAad(id)) : null,
          enabled: b.enabled ?? true,
        },
        request.user?.id ?? null,
      ).catch(taken(b.name));
      return reply.status(201).send((await getRule(deps.db, id))!);
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
      const rule = await getRule(deps.db, id);
      if (!rule) throw notFound('notification rule', id);
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
        ...(b.job !== undefined && { jobId: b.job === null ? null : await jobId(deps.db, b.job) }),
        ...(b.events !== undefined && { events: b.events }),
        ...(b.url !== undefined && { url: b.url }),
        ...(b.recipients !== undefined && { recipients: b.recipients }),
        ...(b.secret !== undefined && {
          sealed: b.secret === null ? null : deps.vault.seal(b.secret, notificationSecretAad(id)),
        }),
        ...(b.enabled !== undefined && { enabled: b.enabled }),
      }).catch(taken(b.name ?? rule.name));
      return getRule(deps.db, id);
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
      if (!(await deleteRule(deps.db, request.params.id)))
        throw notFound('notification rule', request.params.id);
      return reply.status(204).send(null);
    },
  );
}
