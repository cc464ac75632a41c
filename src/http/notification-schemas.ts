/** The shapes of notification rules and their delivery log. */
import { type Static, Type } from '@sinclair/typebox';
import { NOTIFICATION_EVENTS } from '../domain/notifications.ts';
import { Id, Literals, Nullable, Timestamp } from './schemas.ts';

const Events = Type.Array(Literals(NOTIFICATION_EVENTS), {
  minItems: 1,
  maxItems: NOTIFICATION_EVENTS.length,
  uniqueItems: true,
  description: 'what the rule reports: start, success, failure, cancel',
});
const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  pattern: '^https?://[^\\s]+$',
  description: 'an http:// or https:// URL the JSON body is POSTed to',
});
const Recipients = Type.Array(Type.String({ format: 'email', maxLength: 320 }), {
  minItems: 1,
  maxItems: 50,
  uniqueItems: true,
});
const Name = Type.String({ minLength: 1, maxLength: 128 });
const Secret = Type.String({
  minLength: 16,
  maxLength: 256,
  description: 'HMAC key of the X-Orca-Signature header (at least 16 characters)',
});
const JobRef = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'job name or id; omit for every run',
});

export const NotificationRule = Type.Object({
  id: Id,
  name: Type.String(),
  job: Nullable(Type.Object({ id: Id, name: Type.String() })),
  events: Type.Array(Literals(NOTIFICATION_EVENTS)),
  kind: Literals(['webhook', 'email'] as const),
  url: Nullable(Type.String()),
  recipients: Nullable(Type.Array(Type.String())),
  /** Whether webhook bodies are signed; the key itself is never returned. */
  signed: Type.Boolean(),
  enabled: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type NotificationRule = Static<typeof NotificationRule>;

export const CreateNotificationRule = Type.Union(
  [
    Type.Object(
      {
        name: Name,
        kind: Type.Literal('webhook'),
        url: Url,
        secret: Type.Optional(Secret),
        events: Events,
        job: Type.Optional(JobRef),
        enabled: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false, title: 'WebhookRule' },
    ),
    Type.Object(
      {
        name: Name,
        kind: Type.Literal('email'),
        recipients: Recipients,
        events: Events,
        job: Type.Optional(JobRef),
        enabled: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false, title: 'EmailRule' },
    ),
  ],
  { discriminator: { propertyName: 'kind' } },
);
export type CreateNotificationRule = Static<typeof CreateNotificationRule>;

export const UpdateNotificationRule = Type.Object(
  {
    name: Type.Optional(Name),
    url: Type.Optional(Url),
    /** A new key, or null to stop signing. */
    secret: Type.Optional(Nullable(Secret)),
    recipients: Type.Optional(Recipients),
    events: Type.Optional(Events),
    /** A job name or id, or null for every run. */
    job: Type.Optional(Nullable(JobRef)),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateNotificationRule = Static<typeof UpdateNotificationRule>;

export const NotificationDelivery = Type.Object({
  id: Id,
  ruleId: Id,
  ruleName: Type.String(),
  kind: Literals(['webhook', 'email'] as const),
  runId: Id,
  event: Literals(NOTIFICATION_EVENTS),
  status: Literals(['pending', 'delivered', 'failed'] as const),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  responseStatus: Nullable(Type.Integer()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  deliveredAt: Nullable(Timestamp),
});
export type NotificationDelivery = Static<typeof NotificationDelivery>;

export const DeliveryQuery = Type.Object(
  {
    rule: Type.Optional(Id),
    run: Type.Optional(Id),
    status: Type.Optional(Literals(['pending', 'delivered', 'failed'] as const)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
export type DeliveryQuery = Static<typeof DeliveryQuery>;
