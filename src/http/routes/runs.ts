import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { Channel, listEvents, listRunEvents, notify } from '../../db/events.ts';
import { resolveHosts } from '../../db/hosts.ts';
import { createAdhocRun, getRun, listRuns, refreshRunStatus, requestCancel } from '../../db/runs.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import { onlyProject } from '../../domain/projects.ts';
import type { App, HttpDeps } from '../app.ts';
import { resolveTargets } from '../launch.ts';
import {
  CreateRun,
  IdParams,
  type LogEvent,
  LogPage,
  LogQuery,
  Run,
  RunDetail,
  RunListQuery,
} from '../schemas.ts';
import { found, projectFilter, targetProject } from '../scope.ts';

export function runRoutes(app: App, deps: HttpDeps): void {
  const get = (request: FastifyRequest, id: string) =>
    found(request, 'run', id, (scope) => getRun(deps.db, scope, id));

  app.post(
    '/runs',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['runs'],
        summary: 'Run an ad-hoc command on hosts',
        body: CreateRun,
        response: { 201: RunDetail },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (!b.command.trim()) throw invalid('body.command', 'must not be blank');
      const projectId = await targetProject(deps.db, request, b.projectId);
      const here = onlyProject(projectId);
      const { hosts, missing } = b.targets.hosts
        ? await resolveHosts(deps.db, here, b.targets.hosts)
        : { hosts: [], missing: [] };
      if (missing.length > 0) {
        throw invalid('body.targets.hosts', `unknown host(s): ${missing.slice(0, 20).join(', ')}`);
      }
      if (b.targets.selector !== undefined) {
        const seen = new Set(hosts.map((h) => h.id));
        const picked = await resolveTargets(deps.db, here, { selector: b.targets.selector }, 'body.targets');
        hosts.push(...picked.hosts.filter((h) => !seen.has(h.id)).map((h) => ({ id: h.id, name: h.name })));
      }
      const runId = await createAdhocRun(deps.db, {
        projectId,
        command: b.command,
        timeoutMs: b.timeoutSeconds ? b.timeoutSeconds * 1000 : deps.config.commandTimeoutMs,
        createdBy: request.user!.id,
        hosts,
        priority: b.priority,
      });
      return reply.status(201).send(await get(request, runId));
    },
  );

  app.get(
    '/runs',
    {
      schema: {
        tags: ['runs'],
        summary: 'Run history, newest first',
        querystring: RunListQuery,
        response: { 200: Type.Array(Run) },
      },
    },
    async (request) =>
      listRuns(deps.db, await projectFilter(deps.db, request.scope, request.query.project), {
        limit: request.query.limit ?? 50,
        before: request.query.before,
        status: request.query.status,
        job: request.query.job,
      }),
  );

  app.get(
    '/runs/:id',
    {
      schema: {
        tags: ['runs'],
        summary: 'A run with its per-host executions',
        params: IdParams,
        response: { 200: RunDetail },
      },
    },
    async (request) => get(request, request.params.id),
  );

  app.post(
    '/runs/:id/cancel',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['runs'],
        summary: 'Cancel a run: queued hosts never start, running commands are killed',
        params: IdParams,
        response: { 200: RunDetail },
      },
    },
    async (request) => {
      const run = await get(request, request.params.id);
      const running = await requestCancel(deps.db, run.id);
      if (running.length > 0) await notify(deps.db, Channel.cancel, { executions: running });
      await refreshRunStatus(deps.db, run.id);
      await notify(deps.db, Channel.run, { run: run.id, status: true });
      return get(request, run.id);
    },
  );

  app.get(
    '/runs/:id/log',
    {
      schema: {
        tags: ['runs'],
        summary: "A run's stored output and status events, after a sequence number",
        description:
          'With `execution`, events of that execution with seq > `after`. Without it, events of every execution with seq > `after`, grouped by execution.',
        params: IdParams,
        querystring: LogQuery,
        response: { 200: LogPage },
      },
    },
    async (request) => {
      const run = await get(request, request.params.id);
      const { execution, after = 0, limit = 1000 } = request.query;
      let events: LogEvent[];
      if (execution) {
        if (!run.executions.some((e) => e.id === execution)) throw notFound('execution', execution);
        events = await listEvents(deps.db, execution, after, limit + 1);
      } else {
        const cursor = Object.fromEntries(run.executions.map((e) => [e.id, after]));
        events = await listRunEvents(deps.db, run.id, cursor, limit + 1);
      }
      return { events: events.slice(0, limit), more: events.length > limit };
    },
  );
}
