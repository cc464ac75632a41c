/** The shapes of inbound webhook triggers and their call log. */
import { type Static, Type } from '@sinclair/typebox';
import { TargetSelection } from './job-run-schemas.ts';
import { Id, Nullable, Priority, Timestamp } from './schemas.ts';

const ParamName = Type.String({ minLength: 1, maxLength: 64 });

export const Trigger = Type.Object({
  id: Id,
  jobId: Id,
  name: Type.String(),
  /** Where to POST: the public URL of the hook. */
  url: Type.String(),
  /** The first characters of the token, to tell tokens apart. */
  tokenPrefix: Type.String(),
  mapping: Type.Record(Type.String(), Type.String()),
  values: Type.Record(Type.String(), Type.Unknown()),
  targets: Nullable(TargetSelection),
  version: Nullable(Type.Integer()),
  /** The priority of the runs it starts. */
  priority: Type.Integer(),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
  lastUsedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
});
export type Trigger = Static<typeof Trigger>;

export const CreateTrigger = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    /** Parameter name → path into the request's JSON body (`release.tag`, `commits[0].id`). */
    mapping: Type.Optional(
      Type.Record(ParamName, Type.String({ minLength: 1, maxLength: 256 }), { maxProperties: 100 }),
    ),
    /** Fixed parameter values; mapped values from the request win over them. */
    values: Type.Optional(Type.Record(ParamName, Type.Unknown(), { maxProperties: 100 })),
    /** Overrides the job's default targets. */
    targets: Type.Optional(TargetSelection),
    /** Pin a version; default: the job's current version at each call. */
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    /** The priority of the runs it starts (default 0). */
    priority: Type.Optional(Priority),
  },
  { additionalProperties: false },
);
export type CreateTrigger = Static<typeof CreateTrigger>;

export const CreatedTrigger = Type.Object({
  trigger: Trigger,
  /** The secret: shown in this response only. Send it as `X-Orca-Token`, or sign with it. */
  token: Type.String(),
});

export const TriggerParams = Type.Object({ id: Id, trigger: Id });

export const TriggerInvocation = Type.Object({
  at: Timestamp,
  remoteAddress: Nullable(Type.String()),
  status: Type.Integer(),
  runId: Nullable(Id),
  error: Nullable(Type.String()),
});
export type TriggerInvocation = Static<typeof TriggerInvocation>;

export const HookParams = Type.Object({ trigger: Id });
export const HookQuery = Type.Object(
  { token: Type.Optional(Type.String({ maxLength: 512 })) },
  { additionalProperties: false },
);
export const HookAccepted = Type.Object({ runId: Id, url: Type.String() });
