/** Job definitions: each save of a changed definition is a new, immutable version. */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  createJob,
  deleteJob,
  getJob,
  getVersion,
  listJobs,
  listVersions,
  saveVersion,
  setJobActive,
} from '../../db/jobs.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import type { App, HttpDeps } from '../app.ts';
import {
  Job,
  JobDetail,
  JobListQuery,
  JobRollback,
  JobSaved,
  JobVersion,
  JobVersionParams,
  JobVersionSummary,
  SaveJob,
  UpdateJobState,
} from '../job-schemas.ts';
import { conflictOnForeignKey, conflictOnUnique } from '../pg-errors.ts';
import { IdParams } from '../schemas.ts';
import { found, projectFilter, targetProject } from '../scope.ts';
import { authorOf, checkBody } from './job-input.ts';
import { jobBulkRoutes } from './jobs-bulk.ts';

const tags = ['jobs'];

export function jobRoutes(app: App, deps: HttpDeps): void {
  const get = (request: FastifyRequest, id: string) =>
    found(request, 'job', id, (scope) => getJob(deps.db, scope, id));
  const taken = (name: string) => conflictOnUnique(`a job named ${name} already exists`);

  // Before /jobs/:id, so that `apply` and `export` are not taken for ids.
  jobBulkRoutes(app, deps);

  app.get(
    '/jobs',
    {
      schema: {
        tags,
        summary: 'Jobs, by name; filtered by text, category, tag and state',
        querystring: JobListQuery,
        response: { 200: Type.Array(Job) },
      },
    },
    async (request) => {
      const { project, ...filter } = request.query;
      return listJobs(deps.db, await projectFilter(deps.db, request.scope, project), filter);
    },
  );

  app.post(
    '/jobs',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Create a job from a YAML or JSON document: version 1',
        body: SaveJob,
        response: { 201: JobSaved },
      },
    },
    async (request, reply) => {
      const { version, warnings } = checkBody(request.body);
      const projectId = await targetProject(deps.db, request, request.body.projectId);
      const saved = await createJob(deps.db, projectId, version, authorOf(request.user)).catch(
        taken(version.definition.name),
      );
      return reply
        .status(201)
        .send({ job: await get(request, saved.id), version: 1, changed: true, warnings });
    },
  );

  app.get(
    '/jobs/:id',
    {
      schema: {
        tags,
        summary: "A job with its current version's definition",
        params: IdParams,
        response: { 200: JobDetail },
      },
    },
    async (request) => get(request, request.params.id),
  );

  app.put(
    '/jobs/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Save a definition: a new version when it differs from the current one',
        description: 'The name comes from the definition, so this may rename the job.',
        params: IdParams,
        body: SaveJob,
        response: { 200: JobSaved },
      },
    },
    async (request) => {
      const { version, warnings } = checkBody(request.body);
      const current = await get(request, request.params.id);
      if (request.body.projectId !== undefined && request.body.projectId !== current.projectId) {
        throw invalid('body.projectId', 'a job stays in its project; create it anew in the other one');
      }
      const saved = await saveVersion(deps.db, request.params.id, version, authorOf(request.user)).catch(
        taken(version.definition.name),
      );
      if (!saved) throw notFound('job', request.params.id);
      return {
        job: await get(request, saved.id),
        version: saved.version,
        changed: saved.action !== 'unchanged',
        warnings,
      };
    },
  );

  app.patch(
    '/jobs/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Activate or deactivate a job (inactive jobs keep their versions)',
        params: IdParams,
        body: UpdateJobState,
        response: { 200: JobDetail },
      },
    },
    async (request) => {
      await get(request, request.params.id);
      if (!(await setJobActive(deps.db, request.params.id, request.body.active))) {
        throw notFound('job', request.params.id);
      }
      return get(request, request.params.id);
    },
  );

  app.delete(
    '/jobs/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Remove a job and all its versions',
        description:
          'Refused while runs refer to the job. To retire a job and keep its history, set `active: false`.',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await get(request, request.params.id);
      const deleted = await deleteJob(deps.db, request.params.id).catch(
        conflictOnForeignKey('runs refer to this job; deactivate it instead'),
      );
      if (!deleted) throw notFound('job', request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/jobs/:id/versions',
    {
      schema: {
        tags,
        summary: "A job's versions, newest first",
        params: IdParams,
        response: { 200: Type.Array(JobVersionSummary) },
      },
    },
    async (request) => {
      await get(request, request.params.id);
      const versions = await listVersions(deps.db, request.params.id);
      // Every job has a version 1, so none means no job.
      if (versions.length === 0) throw notFound('job', request.params.id);
      return versions;
    },
  );

  app.get(
    '/jobs/:id/versions/:version',
    {
      schema: {
        tags,
        summary: 'One version: its definition and the document it was saved from',
        params: JobVersionParams,
        response: { 200: JobVersion },
      },
    },
    async (request) => {
      const { id, version } = request.params;
      await get(request, id);
      return (
        (await getVersion(deps.db, id, version)) ?? Promise.reject(notFound(`version ${version} of job`, id))
      );
    },
  );

  app.post(
    '/jobs/:id/rollback',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        summary: 'Make an earlier version current again, as a new version equal to it',
        params: IdParams,
        body: JobRollback,
        response: { 200: JobSaved },
      },
    },
    async (request) => {
      const { id } = request.params;
      await get(request, id);
      const old = await getVersion(deps.db, id, request.body.version);
      if (!old) {
        throw notFound(`version ${request.body.version} of job`, id);
      }
      const saved = await saveVersion(deps.db, id, old, authorOf(request.user)).catch(
        taken(old.definition.name),
      );
      if (!saved) throw notFound('job', id);
      return {
        job: await get(request, id),
        version: saved.version,
        changed: saved.action !== 'unchanged',
        warnings: [],
      };
    },
  );
}
