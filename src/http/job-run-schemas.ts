/** The shapes of launching job runs, previewing targets, retrying runs and job statistics. */
import { type Static, Type } from '@sinclair/typebox';
import { Id, Literals, Nullable, Os, Priority, Timestamp, Transport } from './schemas.ts';

export const TargetSelection = Type.Object(
  {
    hosts: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
        minItems: 1,
        maxItems: 10000,
        description: 'host names (globs such as `web-*` allowed) or ids',
      }),
    ),
    selector: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4096, description: 'a selector expression' }),
    ),
  },
  { additionalProperties: false },
);
export type TargetSelection = Static<typeof TargetSelection>;

export const LaunchJob = Type.Object(
  {
    /** Values by parameter name; defaults fill the rest. */
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    /** Overrides the job's default targets. */
    targets: Type.Optional(TargetSelection),
    /** A version other than the current one. */
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    priority: Type.Optional(Priority),
  },
  { additionalProperties: false },
);
export type LaunchJob = Static<typeof LaunchJob>;

export const RetryRun = Type.Object(
  {
    /** `failed`: only the hosts that did not succeed; `all`: every host of the run again. */
    mode: Type.Optional(Literals(['failed', 'all'] as const)),
  },
  { additionalProperties: false },
);

export const HostRef = Type.Object({ id: Id, name: Type.String(), os: Os, transport: Transport });
export const ResolvedTargets = Type.Object({
  hosts: Type.Array(HostRef),
  /** Names and patterns that matched no host. */
  unmatched: Type.Array(Type.String()),
});
export type ResolvedTargets = Static<typeof ResolvedTargets>;

export const ArtifactParams = Type.Object({ id: Id, artifact: Id });

export const JobStats = Type.Object({
  runs: Type.Integer(),
  /** Runs that ended (succeeded, failed or canceled). */
  finished: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  canceled: Type.Integer(),
  /** succeeded / (succeeded + failed); null before the first such run. */
  successRate: Nullable(Type.Number()),
  /** Over finished runs, from start to finish. */
  medianDurationMs: Nullable(Type.Integer()),
  p95DurationMs: Nullable(Type.Integer()),
  lastRunAt: Nullable(Timestamp),
});
export type JobStats = Static<typeof JobStats>;
