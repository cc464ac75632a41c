/**
 * Starting runs of jobs: parameter values checked against the version's specs, targets resolved,
 * secret values sealed apart from the rest, and the run created with its first dispatch. Retry
 * and re-run start a run of the same version with the same values.
 */
import { randomUUID } from 'node:crypto';
import { loadInventory } from '../db/inventory.ts';
import type { Db } from '../db/pool.ts';
import { inProjects } from '../db/projects.ts';
import { createRun, jobVersionDefinition, type NewRunHost, runSecretsAad } from '../db/runs.ts';
import { ErrorCode, invalid, notFound, OrcaError } from '../domain/errors.ts';
import { resolveParameterValues } from '../domain/jobs/params.ts';
import type { JobDefinition, ParamValue, TargetSelector } from '../domain/jobs/types.ts';
import { onlyProject, type Scope } from '../domain/projects.ts';
import { compileSelector, parseSelector, type SelectableHost, SelectorError } from '../domain/selectors.ts';
import { matchHosts } from '../domain/targets.ts';
import type { Vault } from '../security/vault.ts';
import type { ResolvedTargets, TargetSelection } from './job-run-schemas.ts';

/**
 * The hosts a selection picks: names and globs (in the order given), then the hosts the selector
 * picks that the names did not (by name). The same resolution serves the API, the CLI and the UI
 * preview. A selector that does not parse or picks nothing is a 400 naming `<path>.selector`.
 * Only hosts of the scope's projects are candidates: a run resolves in its own project.
 */
export async function resolveTargets(
  db: Db,
  scope: Scope,
  selection: TargetSelection,
  path: string,
): Promise<ResolvedTargets> {
  const names = selection.hosts ?? [];
  if (names.length === 0 && selection.selector === undefined) {
    throw invalid(`${path}.hosts`, 'name at least one host (globs such as web-* allowed) or give a selector');
  }
  const select = selection.selector !== undefined ? selectorPredicate(selection.selector, path) : null;
  const all = await loadInventory(db, scope);
  const { hosts, unmatched } = matchHosts(all, names);
  if (select) {
    const picked = all.filter(select);
    if (picked.length === 0) {
      throw invalid(`${path}.selector`, `no host matches ${JSON.stringify(selection.selector)}`);
    }
    const seen = new Set(hosts.map((h) => h.id));
    hosts.push(...picked.filter((h) => !seen.has(h.id)));
  }
  return {
    hosts: hosts.map((h) => ({ id: h.id, name: h.name, os: h.os, transport: h.transport })),
    unmatched,
  };
}

/** A selector's predicate; a selector that does not parse is a 400 naming `<path>.selector`. */
export function selectorPredicate(selector: string, path: string): (h: SelectableHost) => boolean {
  try {
    return compileSelector(parseSelector(selector));
  } catch (e) {
    if (e instanceof SelectorError) throw invalid(`${path}.selector`, e.detail);
    throw e;
  }
}

interface LaunchInput {
  /** Where the job must be found: the caller's scope, or every project for system launches. */
  readonly scope: Scope;
  readonly jobId: string;
  /** Default: the job's current version. */
  readonly version?: number | undefined;
  readonly parameters: unknown;
  readonly targets?: TargetSelection | undefined;
  readonly createdBy: string | null;
  readonly timeoutMs: number;
  readonly priority?: number | undefined;
}

/** Checks everything, then creates the run; returns its id. */
export async function launchJob(db: Db, vault: Vault, input: LaunchInput): Promise<string> {
  const job = await db
    .selectFrom('jobs')
    .select(['id', 'project_id', 'name', 'active', 'current_version'])
    .where('id', '=', input.jobId)
    .where(inProjects('project_id', input.scope))
    .executeTakeFirst();
  if (!job) throw notFound('job', input.jobId);
  if (!job.active) {
    throw new OrcaError(ErrorCode.conflict, `job ${job.name} is inactive; activate it to run it`);
  }
  const version = input.version ?? job.current_version;
  const definition = await jobVersionDefinition(db, job.id, version);
  if (!definition) throw invalid('body.version', `job ${job.name} has no version ${version}`);
  const { values } = resolveParameterValues(definition.parameters, input.parameters);
  const selection = input.targets ?? selectionOf(definition.targets);
  if (!selection) {
    throw invalid('body.targets', `job ${job.name} has no default targets; choose hosts to run it on`);
  }
  const path = input.targets ? 'body.targets' : 'the job\u2019s targets';
  const { hosts, unmatched } = await resolveTargets(db, onlyProject(job.project_id), selection, path);
  if (unmatched.length > 0) {
    throw invalid(
      `${input.targets ? 'body.targets' : 'targets'}.hosts`,
      `no host matches ${unmatched.slice(0, 20).join(', ')}`,
    );
  }
  return startJobRun(db, vault, {
    projectId: job.project_id,
    jobId: job.id,
    version,
    definition,
    values,
    targets: selection,
    hosts,
    createdBy: input.createdBy,
    timeoutMs: input.timeoutMs,
    priority: input.priority,
  });
}

function selectionOf(t: TargetSelector | undefined): TargetSelection | null {
  if (!t) return null;
  if (t.selector !== undefined) return { selector: t.selector };
  if (t.hosts && t.hosts.length > 0) return { hosts: [...t.hosts] };
  return null;
}

export async function startJobRun(
  db: Db,
  vault: Vault,
  r: {
    projectId: string;
    jobId: string;
    version: number;
    definition: JobDefinition;
    values: Readonly<Record<string, ParamValue>>;
    targets: TargetSelection;
    hosts: readonly NewRunHost[];
    createdBy: string | null;
    timeoutMs: number;
    retryOf?: { runId: string; mode: 'failed' | 'all' } | undefined;
    priority?: number | undefined;
  },
): Promise<string> {
  const secretNames = new Set(r.definition.parameters.filter((p) => p.type === 'secret').map((p) => p.name));
  const plain: Record<string, ParamValue> = {};
  const secret: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(r.values)) (secretNames.has(k) ? secret : plain)[k] = v;
  const id = randomUUID();
  const sealed =
    Object.keys(secret).length > 0 ? vault.seal(JSON.stringify(secret), runSecretsAad(id)) : null;
  return createRun(db, {
    id,
    projectId: r.projectId,
    kind: 'job',
    command: null,
    timeoutMs: r.timeoutMs,
    createdBy: r.createdBy,
    hosts: r.hosts,
    job: {
      id: r.jobId,
      version: r.version,
      parameters: plain,
      sealedSecrets: sealed ? { data: sealed.data, keyId: sealed.keyId } : null,
      targets: r.targets,
      batchSize: r.definition.strategy.batchSize,
      exclusive: !r.definition.strategy.allowConcurrentOnHost,
    },
    retryOf: r.retryOf,
    priority: r.priority,
  });
}

/**
 * A new run like `runId`: same command or job version, values and timeout; on the hosts that did
 * not succeed (`failed`) or on all of them (`all`).
 */
export async function retryRun(
  db: Db,
  vault: Vault,
  scope: Scope,
  runId: string,
  mode: 'failed' | 'all',
  createdBy: string | null,
): Promise<string> {
  const run = await db
    .selectFrom('runs')
    .selectAll()
    .where('id', '=', runId)
    .where(inProjects('project_id', scope))
    .executeTakeFirst();
  if (!run) throw notFound('run', runId);
  if (run.status === 'queued' || run.status === 'running') {
    throw new OrcaError(
      ErrorCode.conflict,
      `run ${runId} is still ${run.status}; wait for it to end or cancel it`,
    );
  }
  const executions = await db
    .selectFrom('executions')
    .select(['host_id', 'host_name', 'status'])
    .where('run_id', '=', runId)
    .orderBy('position')
    .orderBy('host_name')
    .execute();
  const chosen = executions.filter((e) => mode === 'all' || e.status !== 'succeeded');
  const hosts = chosen.flatMap((e) => (e.host_id ? [{ id: e.host_id, name: e.host_name }] : []));
  const gone = chosen.filter((e) => !e.host_id).map((e) => e.host_name);
  if (hosts.length === 0) {
    throw new OrcaError(
      ErrorCode.conflict,
      chosen.length === 0
        ? `every host of run ${runId} succeeded; there is nothing to retry`
        : `the hosts to retry no longer exist: ${gone.join(', ')}`,
    );
  }
  const names = new Map(
    (
      await db
        .selectFrom('hosts')
        .select(['id', 'name'])
        .where(
          'id',
          'in',
          hosts.map((h) => h.id),
        )
        .where('project_id', '=', run.project_id)
        .execute()
    ).map((h) => [h.id, h.name]),
  );
  const current = hosts.flatMap((h) =>
    names.has(h.id) ? [{ id: h.id, name: names.get(h.id) ?? h.name }] : [],
  );
  const retryOf = { runId, mode };
  if (run.kind === 'adhoc') {
    return createRun(db, {
      projectId: run.project_id,
      kind: 'adhoc',
      command: run.command,
      timeoutMs: run.timeout_ms,
      createdBy,
      hosts: current,
      retryOf,
      priority: run.priority,
    });
  }
  if (!run.job_id || run.job_version === null) throw new Error(`run ${runId} has no job version`);
  const job = await db
    .selectFrom('jobs')
    .select(['name', 'active'])
    .where('id', '=', run.job_id)
    .executeTakeFirst();
  if (!job?.active) {
    throw new OrcaError(
      ErrorCode.conflict,
      `job ${job?.name ?? run.job_id} is inactive; activate it to run it again`,
    );
  }
  const definition = await jobVersionDefinition(db, run.job_id, run.job_version);
  if (!definition) throw new Error(`job version ${run.job_version} is missing`);
  const secrets =
    run.secret_parameters && run.secret_key_id
      ? (JSON.parse(
          vault.open({ keyId: run.secret_key_id, data: run.secret_parameters }, runSecretsAad(runId)),
        ) as Record<string, ParamValue>)
      : {};
  return startJobRun(db, vault, {
    projectId: run.project_id,
    jobId: run.job_id,
    version: run.job_version,
    definition,
    values: { ...(run.parameters as Record<string, ParamValue>), ...secrets },
    targets: (run.targets as TargetSelection | null) ?? { hosts: current.map((h) => h.name) },
    hosts: current,
    createdBy,
    timeoutMs: run.timeout_ms,
    retryOf,
    priority: run.priority,
  });
}
