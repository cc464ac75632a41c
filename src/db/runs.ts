import { sql } from 'kysely';
import type { FailureKind } from '../connectors/connector.ts';
import { assignBatches } from '../domain/jobs/strategy.ts';
import type { JobDefinition, Strategy } from '../domain/jobs/types.ts';
import type { Scope } from '../domain/projects.ts';
import { MASK } from '../domain/redact.ts';
import { deriveRunStatus, type ExecutionStatus, isFinalRun, type RunStatus } from '../domain/status.ts';
import type { Artifact, Execution, Run, RunDetail, StepResult } from '../http/schemas.ts';
import { advanceRunIn } from './dispatch.ts';
import { queueNotifications } from './notifications.ts';
import type { Db } from './pool.ts';
import { inProjects } from './projects.ts';

function selectRuns(db: Db, scope: Scope) {
  return db
    .selectFrom('runs as r')
    .leftJoin('users as u', 'u.id', 'r.created_by')
    .leftJoin('jobs as j', 'j.id', 'r.job_id')
    .where(inProjects('r.project_id', scope))
    .select([
      'r.id',
      'r.project_id',
      'r.kind',
      'r.command',
      'r.job_id',
      'r.job_version',
      'j.name as job_name',
      'r.retry_of',
      'r.retry_mode',
      'r.status',
      'r.timeout_ms',
      'u.username as created_by',
      'r.created_at',
      'r.started_at',
      'r.finished_at',
      'r.priority',
    ])
    .select(
      sql<Record<string, number>>`(select coalesce(json_object_agg(s.status, s.n), '{}'::json) from
        (select e.status, count(*)::int as n from executions e where e.run_id = r.id group by e.status) s)`.as(
        'counts',
      ),
    );
}
type RunRow = Awaited<ReturnType<ReturnType<typeof selectRuns>['executeTakeFirstOrThrow']>>;

const toRun = (r: RunRow): Run => {
  const c = r.counts;
  const n = (k: string) => c[k] ?? 0;
  return {
    id: r.id,
    projectId: r.project_id,
    kind: r.kind,
    command: r.command,
    job:
      r.job_id && r.job_version !== null
        ? { id: r.job_id, name: r.job_name ?? '', version: r.job_version }
        : null,
    retryOf: r.retry_of,
    retryMode: r.retry_mode,
    status: r.status as RunStatus,
    timeoutMs: r.timeout_ms,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    priority: r.priority,
    counts: {
      total: Object.values(c).reduce((a, b) => a + b, 0),
      queued: n('queued'),
      running: n('running'),
      succeeded: n('succeeded'),
      failed: n('failed'),
      canceled: n('canceled'),
      lost: n('lost'),
      skipped: n('skipped'),
    },
  };
};

const EXECUTION_COLUMNS = [
  'id',
  'host_id',
  'host_name',
  'status',
  'failure_kind',
  'failure_message',
  'exit_code',
  'output_bytes',
  'truncated_bytes',
  'created_at',
  'started_at',
  'finished_at',
  'batch',
  'worker_id',
  'pool',
] as const;

export async function listExecutions(db: Db, runId: string): Promise<Execution[]> {
  const rows = await db
    .selectFrom('executions')
    .select(EXECUTION_COLUMNS)
    .where('run_id', '=', runId)
    .orderBy('host_name')
    .orderBy('id')
    .execute();
  const steps = await listStepResults(db, runId);
  return rows.map((e) => ({
    id: e.id,
    hostId: e.host_id,
    hostName: e.host_name,
    status: e.status as ExecutionStatus,
    failureKind: e.failure_kind as FailureKind | null,
    failureMessage: e.failure_message,
    exitCode: e.exit_code,
    outputBytes: Number(e.output_bytes),
    truncatedBytes: Number(e.truncated_bytes),
    createdAt: e.created_at.toISOString(),
    startedAt: e.started_at?.toISOString() ?? null,
    finishedAt: e.finished_at?.toISOString() ?? null,
    batch: e.batch,
    workerId: e.worker_id,
    pool: e.pool,
    steps: steps.get(e.id) ?? [],
  }));
}

async function listStepResults(db: Db, runId: string): Promise<Map<string, StepResult[]>> {
  const rows = await db
    .selectFrom('step_results as s')
    .innerJoin('executions as e', 'e.id', 's.execution_id')
    .selectAll('s')
    .where('e.run_id', '=', runId)
    .orderBy('s.execution_id')
    .orderBy('s.step_index')
    .execute();
  const byExecution = new Map<string, StepResult[]>();
  for (const r of rows) {
    const list = byExecution.get(r.execution_id) ?? [];
    list.push({
      index: r.step_index,
      id: r.step_id,
      name: r.step_name,
      type: r.step_type,
      status: r.status,
      attempts: r.attempts,
      exitCode: r.exit_code,
      failureKind: r.failure_kind as FailureKind | null,
      failureMessage: r.failure_message,
      tolerated: r.tolerated,
      startedAt: r.started_at?.toISOString() ?? null,
      finishedAt: r.finished_at?.toISOString() ?? null,
      durationMs: r.started_at && r.finished_at ? r.finished_at.getTime() - r.started_at.getTime() : null,
    });
    byExecution.set(r.execution_id, list);
  }
  return byExecution;
}

export async function listArtifacts(db: Db, runId: string): Promise<Artifact[]> {
  const rows = await db
    .selectFrom('artifacts as a')
    .innerJoin('executions as e', 'e.id', 'a.execution_id')
    .select([
      'a.id',
      'a.execution_id',
      'e.host_name',
      'a.step_index',
      'a.name',
      'a.size',
      'a.sha256',
      'a.created_at',
    ])
    .where('a.run_id', '=', runId)
    .where('a.complete', '=', true)
    .orderBy('e.host_name')
    .orderBy('a.name')
    .execute();
  return rows.map((a) => ({
    id: a.id,
    executionId: a.execution_id,
    hostName: a.host_name,
    stepIndex: a.step_index,
    name: a.name,
    size: Number(a.size),
    sha256: a.sha256,
    createdAt: a.created_at.toISOString(),
  }));
}

export async function getRun(db: Db, scope: Scope, id: string): Promise<RunDetail | undefined> {
  const row = await selectRuns(db, scope)
    .select(['r.parameters', 'r.targets', 'r.secret_parameters'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const definition = row.job_id ? await jobVersionDefinition(db, row.job_id, row.job_version ?? 0) : null;
  return {
    ...toRun(row),
    executions: await listExecutions(db, id),
    steps: (definition?.steps ?? []).map((s, index) => ({ index, id: s.id, name: s.name, type: s.type })),
    parameters: shownParameters(definition, row.parameters),
    targets: (row.targets as RunDetail['targets']) ?? null,
    artifacts: await listArtifacts(db, id),
  };
}

/** The definition of a job version, as stored (normalised). */
/** The associated data under which a run's secret parameters are sealed. */
export const runSecretsAad = (runId: string) => `run-parameters:${runId}`;

export async function jobVersionDefinition(
  db: Db,
  jobId: string,
  version: number,
): Promise<JobDefinition | undefined> {
  const row = await db
    .selectFrom('job_versions')
    .select('definition')
    .where('job_id', '=', jobId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row?.definition as JobDefinition | undefined;
}

/** A run's parameter values for display: secrets (stored apart, sealed) show as `***`. */
function shownParameters(
  definition: JobDefinition | null | undefined,
  stored: unknown,
): Record<string, unknown> {
  const values: Record<string, unknown> = { ...(stored as Record<string, unknown>) };
  for (const p of definition?.parameters ?? []) if (p.type === 'secret') values[p.name] = MASK;
  return values;
}

export async function listRuns(
  db: Db,
  scope: Scope,
  q: { limit: number; before?: string | undefined; status?: string | undefined; job?: string | undefined },
): Promise<Run[]> {
  let query = selectRuns(db, scope).orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(q.limit);
  if (q.before) query = query.where('r.created_at', '<', new Date(q.before));
  if (q.status) query = query.where('r.status', '=', q.status);
  if (q.job) query = query.where('r.job_id', '=', q.job);
  return (await query.execute()).map(toRun);
}

export interface NewRunHost {
  readonly id: string;
  readonly name: string;
}

interface NewRun {
  /** Chosen by the caller when something must be bound to the id before the run exists. */
  readonly id?: string | undefined;
  /** The job's project, or the ad-hoc run's: every host is of it. */
  readonly projectId: string;
  readonly kind: 'adhoc' | 'job';
  readonly command: string | null;
  readonly timeoutMs: number;
  readonly createdBy: string | null;
  readonly hosts: readonly NewRunHost[];
  readonly job?:
    | {
        readonly id: string;
        readonly version: number;
        /** Non-secret values (JSON-safe). */
        readonly parameters: Readonly<Record<string, unknown>>;
        /** Vault-sealed JSON of the secret values, and its key id. */
        readonly sealedSecrets: { readonly data: Buffer; readonly keyId: string } | null;
        readonly targets: unknown;
        readonly batchSize: Strategy['batchSize'];
        /** Executions may not share a host with another exclusive execution. */
        readonly exclusive: boolean;
      }
    | undefined;
  readonly retryOf?: { readonly runId: string; readonly mode: 'failed' | 'all' } | undefined;
  /** -100..100, default 0: higher starts first when workers are saturated. */
  readonly priority?: number | undefined;
}

/**
 * Creates the run, one execution per host, and the queue's tasks for what its strategy lets start
 * now, in one transaction: a run never exists without its work, nor work without its run.
 */
export async function createRun(db: Db, r: NewRun): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .insertInto('runs')
      .values({
        ...(r.id && { id: r.id }),
        project_id: r.projectId,
        kind: r.kind,
        command: r.command,
        status: 'queued',
        timeout_ms: r.timeoutMs,
        created_by: r.createdBy,
        job_id: r.job?.id ?? null,
        job_version: r.job?.version ?? null,
        parameters: JSON.stringify(r.job?.parameters ?? {}),
        secret_parameters: r.job?.sealedSecrets?.data ?? null,
        secret_key_id: r.job?.sealedSecrets?.keyId ?? null,
        targets: r.job ? JSON.stringify(r.job.targets ?? null) : null,
        retry_of: r.retryOf?.runId ?? null,
        retry_mode: r.retryOf?.mode ?? null,
        priority: r.priority ?? 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const batches = assignBatches(r.hosts.length, r.job?.batchSize);
    if (r.hosts.length > 0) {
      await trx
        .insertInto('executions')
        .values(
          r.hosts.map((h, i) => ({
            run_id: run.id,
            host_id: h.id,
            host_name: h.name,
            status: 'queued',
            position: i,
            batch: batches[i] ?? 0,
            exclusive: r.job?.exclusive ?? false,
          })),
        )
        .execute();
    }
    await advanceRunIn(trx, run.id);
    return run.id;
  });
}

/** An ad-hoc command on hosts: every host at once, one step. */
export async function createAdhocRun(
  db: Db,
  r: {
    projectId: string;
    command: string;
    timeoutMs: number;
    createdBy: string | null;
    hosts: readonly NewRunHost[];
    priority?: number | undefined;
  },
): Promise<string> {
  return createRun(db, { kind: 'adhoc', ...r });
}

/** The distinct statuses of a run's executions: all deriveRunStatus needs, counted in SQL. */
const executionStatuses = (runId: string) =>
  sql<string[]>`array(select distinct e.status from executions e where e.run_id = ${runId})`;

/**
 * Recomputes a run's status from its executions under a row lock (several workers finish
 * executions of one run at once). Returns the new status when it changed.
 *
 * A first read without the lock settles the common case (nothing changes: a host of a running
 * run started or finished) in one statement. It is safe: every writer of an execution's status
 * calls this after committing, so the last of them to commit reads the final state and takes
 * the locked path.
 */
export async function refreshRunStatus(db: Db, runId: string): Promise<RunStatus | null> {
  const seen = await db
    .selectFrom('runs as r')
    .select(['r.status', 'r.cancel_requested_at', executionStatuses(runId).as('statuses')])
    .where('r.id', '=', runId)
    .executeTakeFirst();
  if (!seen) return null;
  if (deriveRunStatus(seen.statuses, seen.cancel_requested_at !== null) === seen.status) return null;
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .selectFrom('runs')
      .select(['status', 'cancel_requested_at', 'started_at', 'job_id'])
      .where('id', '=', runId)
      .forUpdate()
      .executeTakeFirst();
    if (!run) return null;
    const { statuses } = await sql<{ statuses: string[] }>`select ${executionStatuses(runId)} as statuses`
      .execute(trx)
      .then((r) => r.rows[0] ?? { statuses: [] });
    const next = deriveRunStatus(statuses, run.cancel_requested_at !== null);
    if (next === run.status) return null;
    const now = new Date();
    await trx
      .updateTable('runs')
      .set({
        status: next,
        ...(next !== 'queued' && !run.started_at && { started_at: now }),
        ...(isFinalRun(next) && { finished_at: now }),
      })
      .where('id', '=', runId)
      .execute();
    await queueNotifications(trx, { id: runId, jobId: run.job_id }, run.status, next);
    return next;
  });
}

/**
 * Marks the run canceled-by-request and cancels its queued executions in place; returns the ids
 * of the running ones, which their workers must stop.
 */
export async function requestCancel(db: Db, runId: string): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable('runs')
      .set({ cancel_requested_at: new Date() })
      .where('id', '=', runId)
      .where('cancel_requested_at', 'is', null)
      .where('status', 'in', ['queued', 'running'])
      .execute();
    await trx
      .updateTable('executions')
      .set({
        status: 'canceled',
        failure_kind: 'canceled',
        failure_message: 'canceled before it started',
        finished_at: new Date(),
      })
      .where('run_id', '=', runId)
      .where('status', '=', 'queued')
      .execute();
    const running = await trx
      .selectFrom('executions')
      .select('id')
      .where('run_id', '=', runId)
      .where('status', '=', 'running')
      .execute();
    return running.map((r) => r.id);
  });
}
