/** Jobs and their immutable versions: a job row points at its current version. */
import { sql } from 'kysely';
import { ErrorCode, OrcaError } from '../domain/errors.ts';
import type { JobDefinition } from '../domain/jobs/types.ts';
import { inScope, type Scope } from '../domain/projects.ts';
import type {
  Job,
  JobDetail,
  JobExportItem,
  JobFormat,
  JobVersion,
  JobVersionSummary,
} from '../http/job-schemas.ts';
import type { Db } from './pool.ts';
import { inProjects } from './projects.ts';

/** A validated definition ready to become a version. */
export interface NewVersion {
  readonly definition: JobDefinition;
  /** The document as submitted. */
  readonly source: string;
  readonly format: JobFormat;
  /** sha256 (hex) of the canonical definition. */
  readonly hash: string;
}

export interface Author {
  readonly id: string;
  readonly username: string;
}

export interface JobFilter {
  /** Substring of the name or description, any case. */
  readonly q?: string | undefined;
  readonly category?: string | undefined;
  readonly tag?: string | undefined;
  readonly active?: boolean | undefined;
}

/** What saving a definition did. */
export interface Saved {
  readonly id: string;
  readonly version: number;
  readonly action: 'created' | 'updated' | 'unchanged';
}

/** Runs `fn` in a transaction: the one given, or a new one. */
function atomically<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

function selectJobs(db: Db, scope: Scope) {
  return db
    .selectFrom('jobs as j')
    .leftJoin('users as u', 'u.id', 'j.created_by')
    .where(inProjects('j.project_id', scope))
    .select([
      'j.id',
      'j.project_id',
      'j.name',
      'j.description',
      'j.category',
      'j.tags',
      'j.active',
      'j.current_version',
      'u.username as created_by_name',
      'j.created_at',
      'j.updated_at',
    ]);
}

type JobRow = Awaited<ReturnType<ReturnType<typeof selectJobs>['executeTakeFirstOrThrow']>>;

const toJob = (r: JobRow): Job => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  description: r.description,
  category: r.category,
  tags: r.tags,
  active: r.active,
  version: r.current_version,
  createdBy: r.created_by_name,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function listJobs(db: Db, scope: Scope, f: JobFilter = {}): Promise<Job[]> {
  let q = selectJobs(db, scope);
  if (f.q) {
    const needle = f.q.toLowerCase();
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('strpos', [eb.fn('lower', ['j.name']), eb.val(needle)]), '>', 0),
        eb(eb.fn('strpos', [eb.fn('lower', ['j.description']), eb.val(needle)]), '>', 0),
      ]),
    );
  }
  if (f.category !== undefined) q = q.where('j.category', '=', f.category);
  if (f.tag !== undefined) q = q.where(sql<boolean>`j.tags @> array[${f.tag}]::text[]`);
  if (f.active !== undefined) q = q.where('j.active', '=', f.active);
  return (await q.orderBy('j.name').execute()).map(toJob);
}

export async function getJob(db: Db, scope: Scope, id: string): Promise<JobDetail | undefined> {
  const row = await selectJobs(db, scope)
    .innerJoin('job_versions as v', (join) =>
      join.onRef('v.job_id', '=', 'j.id').onRef('v.version', '=', 'j.current_version'),
    )
    .select([
      'v.definition',
      (eb) =>
        eb
          .selectFrom('job_versions as c')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('c.job_id', '=', 'j.id')
          .as('version_count'),
    ])
    .where('j.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    ...toJob(row),
    definition: row.definition as JobDefinition,
    versions: Number(row.version_count ?? 0),
  };
}

/** Ids and projects of the jobs with these names, locked until the transaction ends. */
async function lockByNames(
  db: Db,
  names: readonly string[],
): Promise<Map<string, { id: string; projectId: string }>> {
  if (names.length === 0) return new Map();
  const rows = await db
    .selectFrom('jobs')
    .select(['id', 'name', 'project_id'])
    .where('name', 'in', [...names])
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.name, { id: r.id, projectId: r.project_id }]));
}

const searchColumns = (d: JobDefinition) => ({
  name: d.name,
  description: d.description ?? null,
  category: d.category ?? null,
  tags: [...d.tags],
});

async function insertVersion(db: Db, jobId: string, version: number, v: NewVersion, author: Author | null) {
  await db
    .insertInto('job_versions')
    .values({
      job_id: jobId,
      version,
      definition: JSON.stringify(v.definition),
      source: v.source,
      source_format: v.format,
      hash: v.hash,
      author: author?.username ?? null,
    })
    .execute();
}

/** A new job with version 1 in a project. A taken name fails with SQLSTATE 23505. */
export function createJob(db: Db, projectId: string, v: NewVersion, author: Author | null): Promise<Saved> {
  return atomically(db, async (trx) => {
    const { id } = await trx
      .insertInto('jobs')
      .values({
        ...searchColumns(v.definition),
        project_id: projectId,
        current_version: 1,
        created_by: author?.id ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await insertVersion(trx, id, 1, v, author);
    return { id, version: 1, action: 'created' };
  });
}

/**
 * Version N+1 of a job when the definition differs from version N (by hash); otherwise nothing.
 * Undefined when the job does not exist. A name taken by another job fails with SQLSTATE 23505.
 */
export function saveVersion(
  db: Db,
  jobId: string,
  v: NewVersion,
  author: Author | null,
): Promise<Saved | undefined> {
  return atomically(db, async (trx) => {
    const current = await trx
      .selectFrom('jobs as j')
      .innerJoin('job_versions as v', (join) =>
        join.onRef('v.job_id', '=', 'j.id').onRef('v.version', '=', 'j.current_version'),
      )
      .select(['j.current_version', 'v.hash'])
      .where('j.id', '=', jobId)
      .forUpdate('j')
      .executeTakeFirst();
    if (!current) return undefined;
    if (current.hash === v.hash) return { id: jobId, version: current.current_version, action: 'unchanged' };
    const version = current.current_version + 1;
    await insertVersion(trx, jobId, version, v, author);
    await trx
      .updateTable('jobs')
      .set({ ...searchColumns(v.definition), current_version: version, updated_at: new Date() })
      .where('id', '=', jobId)
      .execute();
    return { id: jobId, version, action: 'updated' };
  });
}

/**
 * Creates or versions each definition, matched to jobs by name, all in one transaction: either
 * every one is saved or none is. Names must be distinct. New jobs go into `projectId`; a job of
 * that name outside `scope` (the projects the caller may change) refuses the whole apply.
 */
export function applyJobs(
  db: Db,
  target: { projectId: string; scope: Scope },
  versions: readonly NewVersion[],
  author: Author | null,
): Promise<Saved[]> {
  return atomically(db, async (trx) => {
    const existing = await lockByNames(
      trx,
      versions.map((v) => v.definition.name),
    );
    const saved: Saved[] = [];
    for (const [i, v] of versions.entries()) {
      const job = existing.get(v.definition.name);
      if (job && !inScope(target.scope, job.projectId)) {
        throw new OrcaError(ErrorCode.conflict, `a job named ${v.definition.name} already exists`, [
          { path: `body.documents[${i}].name`, message: 'is taken by a job you may not change' },
        ]);
      }
      const result = job
        ? await saveVersion(trx, job.id, v, author)
        : await createJob(trx, target.projectId, v, author);
      if (!result) throw new Error(`job ${v.definition.name} vanished while locked`);
      saved.push(result);
    }
    return saved;
  });
}

const VERSION_COLUMNS = ['version', 'author', 'created_at', 'hash'] as const;

const toVersionSummary = (r: {
  version: number;
  author: string | null;
  created_at: Date;
  hash: string;
}): JobVersionSummary => ({
  version: r.version,
  author: r.author,
  createdAt: r.created_at.toISOString(),
  hash: r.hash,
});

/** Newest first. */
export async function listVersions(db: Db, jobId: string): Promise<JobVersionSummary[]> {
  const rows = await db
    .selectFrom('job_versions')
    .select(VERSION_COLUMNS)
    .where('job_id', '=', jobId)
    .orderBy('version', 'desc')
    .execute();
  return rows.map(toVersionSummary);
}

export async function getVersion(db: Db, jobId: string, version: number): Promise<JobVersion | undefined> {
  const row = await db
    .selectFrom('job_versions')
    .select([...VERSION_COLUMNS, 'definition', 'source', 'source_format'])
    .where('job_id', '=', jobId)
    .where('version', '=', version)
    .executeTakeFirst();
  return (
    row && {
      ...toVersionSummary(row),
      definition: row.definition as JobDefinition,
      source: row.source,
      format: row.source_format,
    }
  );
}

export async function setJobActive(db: Db, id: string, active: boolean): Promise<boolean> {
  const r = await db
    .updateTable('jobs')
    .set({ active, updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Removes a job with all its versions. */
export async function deleteJob(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('jobs').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Every active job's current source in the scope, by name. */
export async function exportJobs(db: Db, scope: Scope): Promise<JobExportItem[]> {
  return db
    .selectFrom('jobs as j')
    .where(inProjects('j.project_id', scope))
    .innerJoin('job_versions as v', (join) =>
      join.onRef('v.job_id', '=', 'j.id').onRef('v.version', '=', 'j.current_version'),
    )
    .select(['j.id', 'j.name', 'v.version', 'v.source_format as format', 'v.source'])
    .where('j.active', '=', true)
    .orderBy('j.name')
    .execute();
}
