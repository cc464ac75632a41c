/** The public shapes of the jobs API (definitions and their versions); see schemas.ts for the rest. */
import { type Static, Type } from '@sinclair/typebox';
import type { JobDefinition } from '../domain/jobs/types.ts';
import { ProjectIdField, ProjectQuery } from './project-schemas.ts';
import { Id, Literals, Nullable, Timestamp } from './schemas.ts';

export const JobFormat = Literals(['yaml', 'json'] as const);
export type JobFormat = Static<typeof JobFormat>;
/** A remark about a definition that is valid but probably not what was meant. */
export const JobWarning = Type.Object({ path: Type.String(), message: Type.String() });
/** The normalised definition (`JobDefinition` in src/domain/jobs/types.ts). */
const AnyObject = (description: string) => Type.Object({}, { additionalProperties: true, description });
export const JobDefinitionSchema = Type.Unsafe<JobDefinition>(
  AnyObject('the normalised definition; documents follow /api/v1/job-schema.json'),
);
export const Job = Type.Object({
  id: Id,
  /** Its runs, schedules, triggers and notification rules follow it; it runs on this project's hosts. */
  projectId: Id,
  name: Type.String(),
  description: Nullable(Type.String()),
  category: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  active: Type.Boolean(),
  /** The current version's number. */
  version: Type.Integer(),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Job = Static<typeof Job>;
export const JobDetail = Type.Intersect([
  Job,
  Type.Object({ definition: JobDefinitionSchema, versions: Type.Integer() }),
]);
export type JobDetail = Static<typeof JobDetail>;
const JobDocumentText = Type.String({ minLength: 1, maxLength: 512 * 1024 });
export const SaveJob = Type.Union([
  Type.Object(
    { document: JobDocumentText, format: Type.Optional(JobFormat), projectId: ProjectIdField },
    { additionalProperties: false, title: 'JobDocument', description: 'a YAML or JSON document' },
  ),
  Type.Object(
    { definition: AnyObject('a job document as JSON'), projectId: ProjectIdField },
    { additionalProperties: false, title: 'JobDefinitionObject', description: 'the document as an object' },
  ),
]);
export type SaveJob = Static<typeof SaveJob>;
export const JobSaved = Type.Object({
  job: JobDetail,
  /** The current version after the request. */
  version: Type.Integer(),
  /** False when the definition equals the current version's, so no version was made. */
  changed: Type.Boolean(),
  warnings: Type.Array(JobWarning),
});
export type JobSaved = Static<typeof JobSaved>;
export const JobListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'part of the name or description' })),
    category: Type.Optional(Type.String({ maxLength: 128 })),
    tag: Type.Optional(Type.String({ maxLength: 128 })),
    active: Type.Optional(Type.Boolean()),
    project: ProjectQuery,
  },
  { additionalProperties: false },
);
export type JobListQuery = Static<typeof JobListQuery>;
export const UpdateJobState = Type.Object({ active: Type.Boolean() }, { additionalProperties: false });
export const JobRollback = Type.Object(
  { version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export const JobVersionParams = Type.Object({ id: Id, version: Type.Integer({ minimum: 1 }) });
export const JobVersionSummary = Type.Object({
  version: Type.Integer(),
  author: Nullable(Type.String()),
  createdAt: Timestamp,
  /** sha256 of the canonical definition: equal hashes, equal definitions. */
  hash: Type.String(),
});
export type JobVersionSummary = Static<typeof JobVersionSummary>;
export const JobVersion = Type.Intersect([
  JobVersionSummary,
  Type.Object({ definition: JobDefinitionSchema, source: Type.String(), format: JobFormat }),
]);
export type JobVersion = Static<typeof JobVersion>;
const ApplyDocument = Type.Object(
  {
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'e.g. the file, for messages' }),
    ),
    document: JobDocumentText,
    format: Type.Optional(JobFormat),
  },
  { additionalProperties: false },
);
export const ApplyJobs = Type.Object(
  {
    documents: Type.Array(ApplyDocument, { minItems: 1, maxItems: 1000 }),
    /** Where new jobs go; existing jobs (matched by name) stay in their project. */
    projectId: ProjectIdField,
  },
  { additionalProperties: false },
);
export type ApplyJobs = Static<typeof ApplyJobs>;
export const JobApplied = Type.Object({
  /** The document's name as given, if any. */
  document: Nullable(Type.String()),
  id: Id,
  name: Type.String(),
  action: Literals(['created', 'updated', 'unchanged'] as const),
  version: Type.Integer(),
  warnings: Type.Array(JobWarning),
});
export type JobApplied = Static<typeof JobApplied>;
/** One entry per document, in the order sent. */
export const ApplyResult = Type.Object({ results: Type.Array(JobApplied) });
export type ApplyResult = Static<typeof ApplyResult>;
export const JobExportQuery = Type.Object(
  { format: Type.Optional(JobFormat), project: ProjectQuery },
  { additionalProperties: false },
);
export const JobExportItem = Type.Object({
  id: Id,
  name: Type.String(),
  version: Type.Integer(),
  format: JobFormat,
  source: Type.String(),
});
export type JobExportItem = Static<typeof JobExportItem>;
export const JobExport = Type.Object({ jobs: Type.Array(JobExportItem) });
/** The YAML form of an export: each job's source as one document of a stream. */
export const yamlStream = (jobs: readonly Pick<JobExportItem, 'source'>[]): string =>
  jobs.map((j) => `---\n${j.source.endsWith('\n') ? j.source : `${j.source}\n`}`).join('');
