/**
 * Saving schedules: everything a launch would check is checked at save time (cron, time zone,
 * job and version, parameter values, targets), secret values are sealed apart from the rest, and
 * the next fire time is computed. Bad input writes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/pool.ts';
import { inProjects } from '../db/projects.ts';
import { jobVersionDefinition } from '../db/runs.ts';
import {
  insertSchedule,
  type ScheduleRecord,
  type ScheduleRow,
  scheduleRow,
  scheduleSecretsAad,
  setScheduleEnabled,
  updateSchedule,
} from '../db/schedules.ts';
import { invalid, notFound } from '../domain/errors.ts';
import { resolveParameterValues } from '../domain/jobs/params.ts';
import type { ParamValue } from '../domain/jobs/types.ts';
import { onlyProject, type Scope } from '../domain/projects.ts';
import { MASK } from '../domain/redact.ts';
import { cronProblem, nextFireAfter, timeZoneProblem } from '../domain/schedule-times.ts';
import type { TargetSelection } from '../http/job-run-schemas.ts';
import { resolveTargets } from '../http/launch.ts';
import { conflictOnUnique } from '../http/pg-errors.ts';
import type { CreateSchedule, UpdateSchedule } from '../http/schedule-schemas.ts';
import type { Vault } from '../security/vault.ts';

type Complete = Required<Omit<CreateSchedule, 'version' | 'targets'>> & {
  version: number | null;
  targets: TargetSelection | null;
};

/** `scope`: where the job may be found (a schedule follows its job's project). */
async function toRecord(
  db: Db,
  vault: Vault,
  scope: Scope,
  id: string,
  s: Complete,
  now: Date,
): Promise<ScheduleRecord> {
  const cron = cronProblem(s.cron);
  if (cron) throw invalid('body.cron', cron);
  const zone = timeZoneProblem(s.timeZone);
  if (zone) throw invalid('body.timeZone', zone);
  const job = await db
    .selectFrom('jobs')
    .select(['id', 'project_id', 'name', 'current_version'])
    .where('id', '=', s.jobId)
    .where(inProjects('project_id', scope))
    .executeTakeFirst();
  if (!job) throw invalid('body.jobId', `job ${s.jobId} does not exist`);
  const definition = await jobVersionDefinition(db, job.id, s.version ?? job.current_version);
  if (!definition) throw invalid('body.version', `job ${job.name} has no version ${s.version}`);
  // The values as given are kept (defaults apply at fire time, from the version that runs).
  resolveParameterValues(definition.parameters, s.parameters);
  const selection = s.targets ?? definition.targets ?? null;
  if (!selection || (!selection.hosts?.length && selection.selector === undefined)) {
    throw invalid('body.targets', `job ${job.name} has no default targets; choose hosts to run it on`);
  }
  const path = s.targets ? 'body.targets' : 'the job\u2019s targets';
  const { unmatched } = await resolveTargets(
    db,
    onlyProject(job.project_id),
    selection as TargetSelection,
    path,
  );
  if (unmatched.length > 0) {
    throw invalid(
      s.targets ? 'body.targets.hosts' : 'targets.hosts',
      `no host matches ${unmatched.slice(0, 20).join(', ')}`,
    );
  }
  const secretNames = new Set(definition.parameters.filter((p) => p.type === 'secret').map((p) => p.name));
  const plain: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.parameters)) (secretNames.has(k) ? secret : plain)[k] = v;
  const names = Object.keys(secret).sort();
  const sealed = names.length > 0 ? vault.seal(JSON.stringify(secret), scheduleSecretsAad(id)) : null;
  return {
    name: s.name,
    jobId: job.id,
    version: s.version,
    parameters: plain,
    sealedSecrets: sealed ? { data: sealed.data, keyId: sealed.keyId } : null,
    secretNames: names,
    targets: s.targets,
    cron: s.cron,
    timeZone: s.timeZone,
    overlap: s.overlap,
    misfire: s.misfire,
    priority: s.priority,
    enabled: s.enabled,
    nextFireAt: s.enabled ? nextFireAfter(s.cron, s.timeZone, now) : null,
  };
}

export async function createSchedule(
  db: Db,
  vault: Vault,
  scope: Scope,
  input: CreateSchedule,
  createdBy: string | null,
  now = new Date(),
): Promise<string> {
  const id = randomUUID();
  const record = await toRecord(
    db,
    vault,
    scope,
    id,
    {
      name: input.name,
      jobId: input.jobId,
      version: input.version ?? null,
      parameters: input.parameters ?? {},
      targets: input.targets ?? null,
      cron: input.cron.trim(),
      timeZone: input.timeZone ?? 'UTC',
      overlap: input.overlap ?? 'skip',
      misfire: input.misfire ?? 'skip',
      priority: input.priority ?? 0,
      enabled: input.enabled ?? true,
    },
    now,
  );
  await insertSchedule(db, id, record, createdBy).catch(
    conflictOnUnique(`a schedule named ${input.name} already exists`),
  );
  return id;
}

/** The stored secret values; only the scheduler and editing read them. */
export function openScheduleSecrets(vault: Vault, row: ScheduleRow): Record<string, ParamValue> {
  if (!row.secret_parameters || !row.secret_key_id) return {};
  return JSON.parse(
    vault.open({ keyId: row.secret_key_id, data: row.secret_parameters }, scheduleSecretsAad(row.id)),
  ) as Record<string, ParamValue>;
}

export async function editSchedule(
  db: Db,
  vault: Vault,
  scope: Scope,
  id: string,
  patch: UpdateSchedule,
  now = new Date(),
): Promise<void> {
  const row = await scheduleRow(db, id);
  if (!row) throw notFound('schedule', id);
  const stored = { ...(row.parameters as Record<string, unknown>), ...openScheduleSecrets(vault, row) };
  let parameters = stored;
  if (patch.parameters) {
    // `***` keeps a stored secret: the API never shows it, so a form sends it back masked.
    parameters = Object.fromEntries(
      Object.entries(patch.parameters).map(([k, v]) => [k, v === MASK && k in stored ? stored[k] : v]),
    );
  }
  const timing = patch.cron !== undefined || patch.timeZone !== undefined || patch.enabled !== undefined;
  const record = await toRecord(
    db,
    vault,
    scope,
    id,
    {
      name: patch.name ?? row.name,
      jobId: patch.jobId ?? row.job_id,
      version: patch.version === undefined ? row.version : patch.version,
      parameters,
      targets: patch.targets === undefined ? (row.targets as TargetSelection | null) : patch.targets,
      cron: patch.cron?.trim() ?? row.cron,
      timeZone: patch.timeZone ?? row.time_zone,
      overlap: patch.overlap ?? row.overlap,
      misfire: patch.misfire ?? row.misfire,
      priority: patch.priority ?? row.priority,
      enabled: patch.enabled ?? row.enabled,
    },
    now,
  );
  await updateSchedule(db, id, {
    ...record,
    nextFireAt: timing ? record.nextFireAt : row.next_fire_at,
  }).catch(conflictOnUnique(`a schedule named ${patch.name} already exists`));
}

/** Enabling starts from the next fire time after now: the disabled time is not caught up. */
export async function enableSchedule(db: Db, id: string, enabled: boolean, now = new Date()): Promise<void> {
  const row = await scheduleRow(db, id);
  if (!row) throw notFound('schedule', id);
  const next = enabled
    ? row.enabled
      ? row.next_fire_at
      : nextFireAfter(row.cron, row.time_zone, now)
    : null;
  await setScheduleEnabled(db, id, enabled, next);
}
