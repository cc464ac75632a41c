/** Launching jobs, previewing targets, retrying runs, artifacts and per-job statistics. */
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { artifactStream, findArtifact } from '../../db/artifacts.ts';
import { inProjects } from '../../db/projects.ts';
import { getRun } from '../../db/runs.ts';
import { notFound } from '../../domain/errors.ts';
import type { App, HttpDeps } from '../app.ts';
import {
  ArtifactParams,
  JobStats,
  LaunchJob,
  ResolvedTargets,
  RetryRun,
  TargetSelection,
} from '../job-run-schemas.ts';
import { launchJob, resolveTargets, retryRun } from '../launch.ts';
import { IdParams, RunDetail } from '../schemas.ts';
import { found } from '../scope.ts';

export function jobRunRoutes(app: App, deps: HttpDeps): void {
  const detail = (request: FastifyRequest, id: string) =>
    found(request, 'run', id, (scope) => getRun(deps.db, scope, id));

  app.post(
    '/jobs/:id/runs',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['jobs', 'runs'],
        summary: 'Run a job: parameter values and targets (default: the job’s) are checked first',
        description:
          'A bad value is a 400 naming `parameters.<name>`; an inactive job is a 409. The run records the exact version it runs.',
        params: IdParams,
        body: LaunchJob,
        response: { 201: RunDetail },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const runId = await launchJob(deps.db, deps.vault, {
        scope: request.scope,
        jobId: request.params.id,
        version: b.version,
        parameters: b.parameters,
        targets: b.targets,
        createdBy: request.user?.id ?? null,
        timeoutMs: deps.config.commandTimeoutMs,
        priority: b.priority,
      });
      return reply.status(201).send(await detail(request, runId));
    },
  );

  app.post(
    '/hosts/resolve',
    {
      schema: {
        tags: ['hosts'],
        summary: 'The hosts a target selection picks, as a run would pick them',
        body: TargetSelection,
        response: { 200: ResolvedTargets },
      },
    },
    async (request) => resolveTargets(deps.db, request.scope, request.body, 'body'),
  );

  app.post(
    '/runs/:id/retry',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['runs'],
        summary: 'Run again: the hosts that did not succeed (`failed`, the default) or all of them',
        description: 'Same command or job version, same parameter values. 409 while the run is still going.',
        params: IdParams,
        body: RetryRun,
        response: { 201: RunDetail },
      },
    },
    async (request, reply) => {
      await found(request, 'run', request.params.id, (scope) => getRun(deps.db, scope, request.params.id));
      const runId = await retryRun(
        deps.db,
        deps.vault,
        request.scope,
        request.params.id,
        request.body?.mode ?? 'failed',
        request.user?.id ?? null,
      );
      return reply.status(201).send(await detail(request, runId));
    },
  );

  app.get(
    '/runs/:id/artifacts/:artifact',
    {
      schema: {
        tags: ['runs'],
        summary: 'A file a download step brought back',
        params: ArtifactParams,
      },
    },
    async (request, reply) => {
      await detail(request, request.params.id);
      const a = await findArtifact(deps.db, request.params.id, request.params.artifact);
      if (!a) throw notFound('artifact', request.params.artifact);
      const ascii = a.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(a.size))
        .header(
          'content-disposition',
          `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.name)}`,
        )
        .header('x-content-sha256', a.sha256 ?? '')
        .send(artifactStream(deps.db, a.id));
    },
  );

  app.get(
    '/jobs/:id/stats',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Runs of a job: how many, success rate, median and p95 duration',
        params: IdParams,
        response: { 200: JobStats },
      },
    },
    async (request) => {
      const exists = await deps.db
        .selectFrom('jobs')
        .select('id')
        .where('id', '=', request.params.id)
        .where(inProjects('project_id', request.scope))
        .executeTakeFirst();
      if (!exists) throw notFound('job', request.params.id);
      const row = await deps.db
        .selectFrom('runs')
        .select([
          sql<number>`count(*)::int`.as('runs'),
          sql<number>`count(*) filter (where status in ('succeeded', 'failed', 'canceled'))::int`.as(
            'finished',
          ),
          sql<number>`count(*) filter (where status = 'succeeded')::int`.as('succeeded'),
          sql<number>`count(*) filter (where status = 'failed')::int`.as('failed'),
          sql<number>`count(*) filter (where status = 'canceled')::int`.as('canceled'),
          sql<
            number | null
          >`percentile_cont(0.5) within group (order by extract(epoch from finished_at - started_at) * 1000) filter (where finished_at is not null and started_at is not null)`.as(
            'median',
          ),
          sql<
            number | null
          >`percentile_cont(0.95) within group (order by extract(epoch from finished_at - started_at) * 1000) filter (where finished_at is not null and started_at is not null)`.as(
            'p95',
          ),
          sql<Date | null>`max(created_at)`.as('last'),
        ])
        .where('job_id', '=', request.params.id)
        .executeTakeFirstOrThrow();
      const decided = row.succeeded + row.failed;
      return {
        runs: row.runs,
        finished: row.finished,
        succeeded: row.succeeded,
        failed: row.failed,
        canceled: row.canceled,
        successRate: decided > 0 ? row.succeeded / decided : null,
        medianDurationMs: row.median === null ? null : Math.round(Number(row.median)),
        p95DurationMs: row.p95 === null ? null : Math.round(Number(row.p95)),
        lastRunAt: row.last ? new Date(row.last).toISOString() : null,
      };
    },
  );
}
