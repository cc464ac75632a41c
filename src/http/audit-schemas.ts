/** The shapes of the audit log. */
import { type Static, Type } from '@sinclair/typebox';
import { Literals, Nullable, Timestamp } from './schemas.ts';

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actor: Type.String(),
  via: Literals(['session', 'token', 'public', 'system'] as const),
  address: Nullable(Type.String()),
  method: Type.String(),
  route: Type.String(),
  path: Type.String(),
  action: Type.String(),
  targetId: Nullable(Type.String()),
  status: Type.Integer(),
  /** The request body, secrets as `***`. */
  request: Type.Unknown(),
  /** The object before and after the change, where the route has one. */
  before: Type.Unknown(),
  after: Type.Unknown(),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditQuery = Type.Object(
  {
    actor: Type.Optional(Type.String({ maxLength: 128 })),
    action: Type.Optional(
      Type.String({ maxLength: 128, description: 'an action or its prefix: hosts, runs.cancel' }),
    ),
    target: Type.Optional(Type.String({ maxLength: 128 })),
    q: Type.Optional(Type.String({ maxLength: 256, description: 'text anywhere in the entry' })),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    failed: Type.Optional(Type.Boolean({ description: 'only refused and failed requests' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'entries older than this id' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;
