/** Schedules: rows, the shape the API shows, and their fire history. */
import type { Scope } from '../domain/projects.ts';
import { MASK } from '../domain/redact.ts';
import type { RunStatus } from '../domain/status.ts';
import type { Schedule, ScheduleFire } from '../http/schedule-schemas.ts';
import type { Db } from './pool.ts';
import { inProjects } from './projects.ts';
import type { SchedulesTable } from './types.ts';

export const scheduleSecretsAad = (scheduleId: string) => `schedule-parameters:${scheduleId}`;

/** What a schedule stores; validated and sealed by the caller. */
export interface ScheduleRecord {
  readonly name: string;
  readonly jobId: string;
  readonly version: number | null;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Vault-sealed JSON of the secret values (names in `secretNames`), and its key id. */
  readonly sealedSecrets: { readonly data: Buffer; readonly keyId: string } | null;
  readonly secretNames: readonly string[];
  readonly targets: unknown;
  readonly cron: string;
  readonly timeZone: string;
  readonly overlap: SchedulesTable['overlap'];
  readonly misfire: SchedulesTable['misfire'];
  readonly priority: number;
  readonly enabled: boolean;
  readonly nextFireAt: Date | null;
}

const columns = (r: ScheduleRecord) => ({
  name: r.name,
  job_id: r.jobId,
  version: r.version,
  parameters: JSON.stringify(r.parameters),
  secret_parameters: r.sealedSecrets?.data ?? null,
  secret_key_id: r.sealedSecrets?.keyId ?? null,
  secret_names: [...r.secretNames],
  targets: r.targets === null || r.targets === undefined ? null : JSON.stringify(r.targets),
  cron: r.cron,
  time_zone: r.timeZone,
  overlap: r.overlap,
  misfire: r.misfire,
  priority: r.priority,
  enabled: r.enabled,
  next_fire_at: r.nextFireAt,
});

export async function insertSchedule(
  db: Db,
  id: string,
  r: ScheduleRecord,
  createdBy: string | null,
): Promise<void> {
  await db
    .insertInto('schedules')
    .values({ id, ...columns(r), created_by: createdBy })
    .execute();
}

export async function updateSchedule(db: Db, id: string, r: ScheduleRecord): Promise<void> {
  await db
    .updateTable('schedules')
    .set({ ...columns(r), updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function setScheduleEnabled(
  db: Db,
  id: string,
  enabled: boolean,
  nextFireAt: Date | null,
): Promise<boolean> {
  const r = await db
    .updateTable('schedules')
    .set({ enabled, next_fire_at: nextFireAt, updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function deleteSchedule(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('schedules').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** The stored row, for editing and firing. */
export async function scheduleRow(db: Db, id: string) {
  return db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
}
export type ScheduleRow = NonNullable<Awaited<ReturnType<typeof scheduleRow>>>;

/** Finds a schedule by id or by name. */
export async function findScheduleId(db: Db, ref: string): Promise<string | undefined> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const row = await db
    .selectFrom('schedules')
    .select('id')
    .where(uuid ? 'id' : 'name', '=', ref)
    .executeTakeFirst();
  return row?.id;
}

function selectSchedules(db: Db, scope: Scope) {
  return db
    .selectFrom('schedules as s')
    .innerJoin('jobs as j', 'j.id', 's.job_id')
    .where(inProjects('j.project_id', scope))
    .leftJoin('users as u', 'u.id', 's.created_by')
    .leftJoin('runs as r', 'r.id', 's.last_run_id')
    .select([
      's.id',
      'j.project_id',
      's.name',
      's.job_id',
      'j.name as job_name',
      'j.active as job_active',
      's.version',
      's.parameters',
      's.secret_names',
      's.targets',
      's.cron',
      's.time_zone',
      's.overlap',
      's.misfire',
      's.priority',
      's.enabled',
      's.last_fire_at',
      's.next_fire_at',
      's.last_run_id',
      'r.status as last_run_status',
      'r.created_at as last_run_created_at',
      'u.username as created_by',
      's.created_at',
      's.updated_at',
    ]);
}
type Row = Awaited<ReturnType<ReturnType<typeof selectSchedules>['executeTakeFirstOrThrow']>>;

/** A schedule as the API shows it; secret values are `***`. */
const toView = (r: Row): Schedule => {
  const parameters = { ...(r.parameters as Record<string, unknown>) };
  for (const name of r.secret_names) parameters[name] = MASK;
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    job: { id: r.job_id, name: r.job_name, active: r.job_active },
    version: r.version,
    parameters,
    targets: (r.targets as Schedule['targets']) ?? null,
    cron: r.cron,
    timeZone: r.time_zone,
    overlap: r.overlap,
    misfire: r.misfire,
    priority: r.priority,
    enabled: r.enabled,
    lastFireAt: r.last_fire_at?.toISOString() ?? null,
    nextFireAt: r.enabled ? (r.next_fire_at?.toISOString() ?? null) : null,
    lastRun:
      r.last_run_id && r.last_run_status && r.last_run_created_at
        ? {
            id: r.last_run_id,
            status: r.last_run_status as RunStatus,
            createdAt: r.last_run_created_at.toISOString(),
          }
        : null,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
};

export async function listSchedules(
  db: Db,
  scope: Scope,
  q: { job?: string | undefined } = {},
): Promise<Schedule[]> {
  let query = selectSchedules(db, scope).orderBy('s.name');
  if (q.job) query = query.where('s.job_id', '=', q.job);
  return (await query.execute()).map(toView);
}

export async function getSchedule(db: Db, scope: Scope, id: string): Promise<Schedule | undefined> {
  const r = await selectSchedules(db, scope).where('s.id', '=', id).executeTakeFirst();
  return r && toView(r);
}

export async function listFires(
  db: Db,
  scheduleId: string,
  q: { limit: number; before?: string | undefined },
): Promise<ScheduleFire[]> {
  let query = db
    .selectFrom('schedule_fires as f')
    .leftJoin('runs as r', 'r.id', 'f.run_id')
    .select([
      'f.id',
      'f.fire_at',
      'f.status',
      'f.message',
      'f.run_id',
      'r.status as run_status',
      'f.created_at',
      'f.updated_at',
    ])
    .where('f.schedule_id', '=', scheduleId)
    .orderBy('f.fire_at', 'desc')
    .limit(q.limit);
  if (q.before) query = query.where('f.fire_at', '<', new Date(q.before));
  return (await query.execute()).map((f) => ({
    id: f.id,
    fireAt: f.fire_at.toISOString(),
    status: f.status,
    message: f.message,
    run: f.run_id && f.run_status ? { id: f.run_id, status: f.run_status as RunStatus } : null,
    createdAt: f.created_at.toISOString(),
    updatedAt: f.updated_at.toISOString(),
  }));
}
