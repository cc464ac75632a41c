/** The shapes of schedules, their fires and the fire-time preview. */
import { type Static, Type } from '@sinclair/typebox';
import { TargetSelection } from './job-run-schemas.ts';
import { Id, Literals, Name, Nullable, Priority, RunStatusSchema, Timestamp } from './schemas.ts';

export const OverlapPolicy = Literals(['skip', 'queue', 'allow'] as const);
export const MisfirePolicy = Literals(['skip', 'run-once'] as const);
const Cron = Type.String({
  minLength: 1,
  maxLength: 256,
  description: 'cron expression (croner: seconds optional, `L`, `#`, ranges, `@daily` …)',
});
const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA time zone, e.g. Europe/Berlin',
});

export const Schedule = Type.Object({
  id: Id,
  /** Its job's project: a schedule follows its job. */
  projectId: Id,
  name: Type.String(),
  job: Type.Object({ id: Id, name: Type.String(), active: Type.Boolean() }),
  /** null: the job's current version when it fires. */
  version: Nullable(Type.Integer()),
  /** Values by parameter name; secret ones are `***`. */
  parameters: Type.Record(Type.String(), Type.Unknown()),
  /** null: the job's default targets. */
  targets: Nullable(TargetSelection),
  cron: Type.String(),
  timeZone: Type.String(),
  overlap: OverlapPolicy,
  misfire: MisfirePolicy,
  /** The priority of the runs it starts. */
  priority: Type.Integer(),
  enabled: Type.Boolean(),
  lastFireAt: Nullable(Timestamp),
  /** null while disabled. */
  nextFireAt: Nullable(Timestamp),
  lastRun: Nullable(Type.Object({ id: Id, status: RunStatusSchema, createdAt: Timestamp })),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Schedule = Static<typeof Schedule>;

const fields = {
  jobId: Id,
  /** A pinned version; null or absent: the latest. */
  version: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  /** null or absent: the job's default targets. */
  targets: Type.Optional(Nullable(TargetSelection)),
  cron: Cron,
  timeZone: Type.Optional(TimeZone),
  overlap: Type.Optional(OverlapPolicy),
  misfire: Type.Optional(MisfirePolicy),
  priority: Type.Optional(Priority),
  enabled: Type.Optional(Type.Boolean()),
};

export const CreateSchedule = Type.Object({ name: Name, ...fields }, { additionalProperties: false });
export type CreateSchedule = Static<typeof CreateSchedule>;

/** Only what changes; a secret parameter given as `***` keeps its stored value. */
export const UpdateSchedule = Type.Partial(Type.Object({ name: Name, ...fields }), {
  additionalProperties: false,
});
export type UpdateSchedule = Static<typeof UpdateSchedule>;

export const ScheduleFire = Type.Object({
  id: Id,
  fireAt: Timestamp,
  /** started (run), waiting (overlap queue), skipped (overlap skip), failed, missed (misfire skip), launching. */
  status: Literals(['launching', 'started', 'waiting', 'skipped', 'failed', 'missed'] as const),
  message: Nullable(Type.String()),
  run: Nullable(Type.Object({ id: Id, status: RunStatusSchema })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ScheduleFire = Static<typeof ScheduleFire>;

export const FiresQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  /** Fires before this time (paging). */
  before: Type.Optional(Timestamp),
});

export const SchedulesQuery = Type.Object({ job: Type.Optional(Id) });

export const PreviewSchedule = Type.Object(
  {
    cron: Cron,
    timeZone: Type.Optional(TimeZone),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 5 })),
  },
  { additionalProperties: false },
);
export const SchedulePreview = Type.Object({ fireTimes: Type.Array(Timestamp), timeZone: Type.String() });
