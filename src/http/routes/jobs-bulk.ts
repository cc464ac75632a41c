/** Many jobs at once (apply, export: jobs kept in Git) and the published job document schema. */
import { applyJobs, exportJobs } from '../../db/jobs.ts';
import { ErrorCode, type ErrorDetail, OrcaError } from '../../domain/errors.ts';
import { jobSchemaJson } from '../../domain/jobs/definition.ts';
import type { App, HttpDeps } from '../app.ts';
import { ApplyJobs, ApplyResult, JobExport, JobExportQuery, yamlStream } from '../job-schemas.ts';
import { conflictOnUnique } from '../pg-errors.ts';
import { projectFilter, targetProject } from '../scope.ts';
import { authorOf, type Checked, checkDocument, validationError } from './job-input.ts';

const tags = ['jobs'];

export function jobBulkRoutes(app: App, deps: HttpDeps): void {
  app.post(
    '/jobs/apply',
    {
      config: { access: 'operator' },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Create or update many jobs, matched by name, all or nothing',
        description:
          'Every document is validated first; if any is invalid nothing is applied and the errors name ' +
          '`body.documents[i]` and the path inside it. A document equal to its job’s current version ' +
          'makes no new version (`unchanged`).',
        body: ApplyJobs,
        response: { 200: ApplyResult },
      },
    },
    async (request) => {
      const docs = request.body.documents;
      const checked: Checked[] = [];
      const errors: ErrorDetail[] = [];
      const bad = new Set<number>();
      const firstByName = new Map<string, number>();
      docs.forEach((d, i) => {
        const prefix = `body.documents[${i}]`;
        try {
          const c = checkDocument(d.document, d.format, prefix);
          checked.push(c);
          const name = c.version.definition.name;
          const first = firstByName.get(name);
          if (first === undefined) firstByName.set(name, i);
          else {
            errors.push({
              path: `${prefix}.name`,
              message: `job ${name} is also defined by documents[${first}]`,
            });
            bad.add(i);
          }
        } catch (error) {
          // checkDocument's details already name the document.
          if (!(error instanceof OrcaError) || error.code !== ErrorCode.validation) throw error;
          errors.push(...error.details);
          bad.add(i);
        }
      });
      if (errors.length > 0) {
        const named = [...bad].map((i) => `documents[${i}]${docs[i]?.name ? ` (${docs[i]?.name})` : ''}`);
        throw validationError(errors, `nothing was applied; invalid: ${named.join(', ')}`);
      }
      const projectId = await targetProject(deps.db, request, request.body.projectId);
      const saved = await applyJobs(
        deps.db,
        { projectId, scope: request.scope },
        checked.map((c) => c.version),
        authorOf(request.user),
      ).catch(conflictOnUnique('another request created one of these jobs meanwhile; apply again'));
      return {
        results: saved.map((s, i) => ({
          document: docs[i]?.name ?? null,
          id: s.id,
          name: checked[i]?.version.definition.name ?? '',
          action: s.action,
          version: s.version,
          warnings: checked[i]?.warnings ?? [],
        })),
      };
    },
  );

  app.get(
    '/jobs/export',
    {
      schema: {
        tags,
        summary: "Every active job's current document",
        description:
          'A YAML stream, one document per job (JSON documents are kept as written; JSON is YAML), ' +
          'or with `format=json` the documents as a list.',
        querystring: JobExportQuery,
        response: {
          200: {
            content: {
              'application/yaml': { schema: { type: 'string' } },
              'application/json': { schema: JobExport },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const jobs = await exportJobs(
        deps.db,
        await projectFilter(deps.db, request.scope, request.query.project),
      );
      if (request.query.format === 'json') return reply.type('application/json').send({ jobs });
      return reply.type('application/yaml; charset=utf-8').send(yamlStream(jobs));
    },
  );

  // The text of docs/job-schema.json, generated from the same schema the API validates with.
  let schemaText: string | undefined;
  app.get(
    '/job-schema.json',
    { config: { access: 'public' }, schema: { hide: true } },
    async (_request, reply) => {
      schemaText ??= jobSchemaJson();
      return reply.type('application/schema+json').send(schemaText);
    },
  );
}
