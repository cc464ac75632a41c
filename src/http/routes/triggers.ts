/**
 * A job's inbound webhook triggers: `GET/POST /jobs/{id}/triggers`, revoke with
 * `DELETE /jobs/{id}/triggers/{trigger}`, the call log at `…/{trigger}/invocations`. The token is
 * in the creation response only.
 */
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { inProjects } from '../../db/projects.ts';
import { jobVersionDefinition } from '../../db/runs.ts';
import {
  getTrigger,
  insertTrigger,
  listInvocations,
  listTriggers,
  revokeTrigger,
  triggerSecretAad,
} from '../../db/triggers.ts';
import { ErrorCode, type ErrorDetail, invalid, notFound, OrcaError } from '../../domain/errors.ts';
import { resolveParameterValues } from '../../domain/jobs/params.ts';
import { parsePath } from '../../domain/jobs/trigger-mapping.ts';
import type { JobDefinition } from '../../domain/jobs/types.ts';
import { onlyProject } from '../../domain/projects.ts';
import { hashToken, newToken } from '../../security/tokens.ts';
import type { App, HttpDeps } from '../app.ts';
import { resolveTargets } from '../launch.ts';
import { conflictOnUnique } from '../pg-errors.ts';
import { IdParams } from '../schemas.ts';
import { found } from '../scope.ts';
import {
  CreatedTrigger,
  CreateTrigger,
  Trigger,
  TriggerInvocation,
  TriggerParams,
} from '../trigger-schemas.ts';

const TOKEN_PREFIX = 'orcahook_';

/** Mapping and fixed values must name parameters of the version, and fixed values must fit them. */
function checkParameters(definition: JobDefinition, body: CreateTrigger): void {
  const specs = new Map(definition.parameters.map((p) => [p.name, p]));
  const problems: ErrorDetail[] = [];
  for (const [name, path] of Object.entries(body.mapping ?? {})) {
    if (!specs.has(name))
      problems.push({ path: `body.mapping.${name}`, message: 'is not a parameter of this job' });
    const parsed = parsePath(path);
    if (typeof parsed === 'string') problems.push({ path: `body.mapping.${name}`, message: parsed });
  }
  const fixed = body.values ?? {};
  for (const name of Object.keys(fixed)) {
    const spec = specs.get(name);
    if (!spec) problems.push({ path: `body.values.${name}`, message: 'is not a parameter of this job' });
    else if (spec.type === 'secret') {
      problems.push({
        path: `body.values.${name}`,
        message: 'is a secret: map it from the request or give it a default, it is not stored on the trigger',
      });
    }
  }
  if (problems.length === 0) {
    const subset = definition.parameters
      .filter((p) => Object.hasOwn(fixed, p.name))
      .map((p) => ({ ...p, required: false }));
    try {
      resolveParameterValues(subset, fixed);
    } catch (error) {
      if (!(error instanceof OrcaError)) throw error;
      for (const d of error.details)
        problems.push({ path: `body.values.${d.path.replace(/^parameters\./, '')}`, message: d.message });
    }
  }
  if (problems.length > 0) {
    throw new OrcaError(ErrorCode.validation, `${problems[0]?.path}: ${problems[0]?.message}`, problems);
  }
}

export function triggerRoutes(app: App, deps: HttpDeps): void {
  const publicUrl = deps.config.notify.publicUrl;

  /** Triggers follow their job: its project decides who sees and changes them. */
  const jobOf = (request: FastifyRequest, id: string) =>
    found(request, 'job', id, (scope) =>
      deps.db
        .selectFrom('jobs')
        .select(['id', 'project_id', 'name', 'current_version'])
        .where('id', '=', id)
        .where(inProjects('project_id', scope))
        .executeTakeFirst(),
    );

  app.get(
    '/jobs/:id/triggers',
    {
      schema: {
        tags: ['triggers'],
        summary: "The job's inbound webhook triggers",
        params: IdParams,
        response: { 200: Type.Array(Trigger) },
      },
    },
    async (request) => {
      const job = await jobOf(request, request.params.id);
      return listTriggers(deps.db, job.id, publicUrl);
    },
  );

  app.post(
    '/jobs/:id/triggers',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['triggers'],
        summary: 'Create a webhook trigger; its token is in this response only',
        params: IdParams,
        body: CreateTrigger,
        response: { 201: CreatedTrigger },
      },
    },
    async (request, reply) => {
      const job = await jobOf(request, request.params.id);
      const body = request.body;
      const version = body.version ?? job.current_version;
      const definition = await jobVersionDefinition(deps.db, job.id, version);
      if (!definition) throw invalid('body.version', `job ${job.name} has no version ${version}`);
      checkParameters(definition, body);
      if (body.targets) {
        const { unmatched } = await resolveTargets(
          deps.db,
          onlyProject(job.project_id),
          body.targets,
          'body.targets',
        );
        if (unmatched.length > 0)
          throw invalid('body.targets.hosts', `no host matches ${unmatched.slice(0, 20).join(', ')}`);
      } else if (!definition.targets) {
        throw invalid('body.targets', `job ${job.name} has no default targets; choose hosts for the trigger`);
      }
      const id = randomUUID();
      const token = newToken(TOKEN_PREFIX);
      await insertTrigger(deps.db, {
        id,
        jobId: job.id,
        name: body.name,
        tokenHash: hashToken(token),
        tokenPrefix: token.slice(0, TOKEN_PREFIX.length + 4),
        sealed: deps.vault.seal(token, triggerSecretAad(id)),
        mapping: body.mapping ?? {},
        values: body.values ?? {},
        targets: body.targets ?? null,
        version: body.version ?? null,
        priority: body.priority ?? 0,
        createdBy: request.user?.id ?? null,
      }).catch(conflictOnUnique(`job ${job.name} already has a trigger named ${body.name}`));
      const trigger = await getTrigger(deps.db, id, publicUrl);
      return reply.status(201).send({ trigger: trigger!, token });
    },
  );

  app.delete(
    '/jobs/:id/triggers/:trigger',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['triggers'],
        summary: 'Revoke a trigger: its URL stops working at once',
        params: TriggerParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await jobOf(request, request.params.id);
      if (!(await revokeTrigger(deps.db, request.params.id, request.params.trigger))) {
        throw notFound('active trigger', request.params.trigger);
      }
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/jobs/:id/triggers/:trigger/invocations',
    {
      schema: {
        tags: ['triggers'],
        summary: 'Calls of a trigger, newest first',
        params: TriggerParams,
        response: { 200: Type.Array(TriggerInvocation) },
      },
    },
    async (request) => {
      await jobOf(request, request.params.id);
      const trigger = await getTrigger(deps.db, request.params.trigger, publicUrl);
      if (!trigger || trigger.jobId !== request.params.id) throw notFound('trigger', request.params.trigger);
      return listInvocations(deps.db, trigger.id);
    },
  );
}
