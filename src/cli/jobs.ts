/** `orca jobs list|show|apply|export|versions|rollback`: job definitions, kept in files or in Git. */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import { parseAllDocuments } from 'yaml';
import {
  type ApplyJobs,
  type Job,
  type JobApplied,
  type JobDetail,
  type JobExportItem,
  type JobSaved,
  type JobVersion,
  type JobVersionSummary,
  yamlStream,
} from '../http/job-schemas.ts';
import { ApiError } from './client.ts';
import {
  action,
  apiClient,
  type ConnectionFlags,
  colors,
  positiveInt,
  printJson,
  subcommand,
  withConnection,
} from './common.ts';
import { CliError, type CliIo, ExitCode, usageError } from './io.ts';
import { resolveJob } from './job-ref.ts';
import { registerJobRunCommands } from './job-runs.ts';
import { fields, formatTime, type Palette, table, truncate } from './output.ts';
import { projectRef, withProjectOption } from './projects.ts';

type Document = ApplyJobs['documents'][number];
const JOB_FILE = /\.(ya?ml|json)$/i;

/** Job files under a directory, recursively, in a stable order; a file stands for itself. */
async function jobFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => {
    throw usageError(`${path}: no such file or directory`);
  });
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(path, e.name);
    if (e.isDirectory()) out.push(...(await jobFiles(p)));
    else if (e.isFile() && JOB_FILE.test(e.name)) out.push(p);
  }
  return out;
}

/**
 * The job documents in one file's text: a JSON file is one; a YAML file may be a stream of
 * several (as `orca jobs export` writes), each sent as its own slice of the text so comments stay.
 */
export function splitDocuments(file: string, text: string): Document[] {
  if (extname(file).toLowerCase() === '.json') return [{ name: file, document: text, format: 'json' }];
  const docs = parseAllDocuments(text);
  const all = Array.isArray(docs) ? docs : [docs];
  const parts = all
    .map((d, i) => ({
      // The first slice starts at 0 to keep comments above its `---`.
      text: text.slice(i === 0 ? 0 : d.range[0], d.range[2]),
      // A trailing `---` or a comment-only document is nothing to apply.
      empty: d.errors.length === 0 && d.toJS() == null,
    }))
    .filter((p) => !p.empty);
  if (parts.length <= 1) return [{ name: file, document: text, format: 'yaml' }];
  return parts.map((p, i) => ({ name: `${file} (document ${i + 1})`, document: p.text, format: 'yaml' }));
}

/** `body.documents[2].steps[0].type` → `jobs/deploy.yaml: steps[0].type`. */
export function documentPath(path: string, docs: readonly Document[]): string {
  const m = /^(?:body\.)?documents\[(\d+)\]\.?(.*)$/.exec(path);
  const doc = m ? docs[Number(m[1])] : undefined;
  if (!m || !doc) return path;
  const name = doc.name ?? `documents[${m[1]}]`;
  return m[2] ? `${name}: ${m[2]}` : name;
}

function jobsTable(jobs: readonly Job[], p: Palette): string {
  return table(
    ['NAME', 'VERSION', 'STATE', 'CATEGORY', 'TAGS', 'DESCRIPTION'],
    jobs.map((j) => [
      j.name,
      String(j.version),
      j.active ? 'active' : p.dim('inactive'),
      j.category ?? '-',
      j.tags.join(',') || '-',
      truncate(j.description ?? '', 60),
    ]),
  );
}

function jobText(job: JobDetail, v: JobVersion): string {
  const head = fields([
    ['name', job.name],
    ['id', job.id],
    ['version', `${v.version} of ${job.versions}${v.version === job.version ? ' (current)' : ''}`],
    ['state', job.active ? 'active' : 'inactive'],
    ['category', job.category ?? '-'],
    ['tags', job.tags.join(', ') || '-'],
    ['saved', `${formatTime(v.createdAt)} by ${v.author ?? '-'}`],
  ]);
  return `${head}\n${v.source.endsWith('\n') ? v.source : `${v.source}\n`}`;
}

const appliedLine = (r: JobApplied, p: Palette): string => {
  const action = r.action === 'unchanged' ? p.dim(r.action) : p.green(r.action);
  return `${action.padEnd(9 + action.length - r.action.length)} ${r.name} (version ${r.version})${r.document ? p.dim(`  ${r.document}`) : ''}\n`;
};

/** A file name for a job: its name, with anything a path could misread replaced. */
const fileName = (j: JobExportItem): string =>
  `${j.name.replace(/[^A-Za-z0-9._@-]/g, '_').replace(/^\.+/, '_')}.${j.format}`;

export function registerJobs(program: Command, io: CliIo): void {
  const jobs = subcommand(program, 'jobs', io).description(
    'job definitions: list, show, apply, export, versions, rollback; run one, see its stats',
  );

  withConnection(
    subcommand(jobs, 'list', io)
      .description('jobs by name')
      .option('--search <text>', 'part of the name or description')
      .option('--category <category>', 'only this category')
      .option('--tag <tag>', 'only jobs with this tag')
      .option('--active', 'only active jobs')
      .option('--inactive', 'only inactive jobs')
      .option('--project <name>', "only this project's jobs")
      .option('--json', 'print JSON'),
  ).action(
    action(
      io,
      async (
        flags: ConnectionFlags & {
          search?: string;
          category?: string;
          tag?: string;
          active?: boolean;
          inactive?: boolean;
          project?: string;
          json?: boolean;
        },
      ) => {
        if (flags.active && flags.inactive) throw usageError('--active and --inactive exclude each other');
        const client = await apiClient(io, flags);
        const list = await client.get<Job[]>('/jobs', {
          q: flags.search,
          category: flags.category,
          tag: flags.tag,
          active: flags.active ? true : flags.inactive ? false : undefined,
          project: flags.project,
        });
        if (flags.json) printJson(io, list);
        else if (list.length === 0) io.stdout('no jobs; add some with `orca jobs apply -f <file-or-dir>`\n');
        else io.stdout(jobsTable(list, colors(io)));
        return ExitCode.ok;
      },
    ),
  );

  withConnection(
    subcommand(jobs, 'show', io)
      .description('a job and the document of its current (or another) version')
      .argument('<name-or-id>', 'the job')
      .option('--version <n>', 'this version instead of the current one', positiveInt)
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags & { version?: number; json?: boolean }) => {
      const client = await apiClient(io, flags);
      const { id } = await resolveJob(client, key);
      const job = await client.get<JobDetail>(`/jobs/${id}`);
      const version = await client.get<JobVersion>(`/jobs/${id}/versions/${flags.version ?? job.version}`);
      if (flags.json) printJson(io, { job, version });
      else io.stdout(jobText(job, version));
      return ExitCode.ok;
    }),
  );

  withConnection(
    withProjectOption(subcommand(jobs, 'apply', io))
      .description(
        'create or update jobs from YAML/JSON files, all or nothing; unchanged definitions make no new version',
      )
      .requiredOption(
        '-f, --file <file-or-dir>',
        'a file, or a directory of *.yaml, *.yml and *.json (recursive)',
      )
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ConnectionFlags & { file: string; json?: boolean; project?: string }) => {
      const files = await jobFiles(flags.file);
      const documents: Document[] = [];
      for (const f of files) documents.push(...splitDocuments(f, await readFile(f, 'utf8')));
      if (documents.length === 0) throw usageError(`no job documents in ${flags.file}`);
      const client = await apiClient(io, flags);
      let results: JobApplied[];
      try {
        ({ results } = await client.post<{ results: JobApplied[] }>('/jobs/apply', {
          documents,
          ...(await projectRef(client, flags.project)),
        }));
      } catch (error) {
        if (!(error instanceof ApiError) || error.code !== 'validation') throw error;
        const details = error.details.map((d) => ({
          path: documentPath(d.path, documents),
          message: d.message,
        }));
        const bad = new Set(details.map((d) => d.path.split(': ')[0])).size;
        throw new CliError(
          `nothing was applied: ${details.length ? `${bad} of ${documents.length} documents are invalid` : error.message}`,
          ExitCode.failure,
          details,
        );
      }
      if (flags.json) {
        printJson(io, results);
        return ExitCode.ok;
      }
      const p = colors(io);
      for (const r of results) {
        io.stdout(appliedLine(r, p));
        for (const w of r.warnings) io.stderr(`warning: ${documentPath(w.path, documents)}: ${w.message}\n`);
      }
      const count = (a: JobApplied['action']) => results.filter((r) => r.action === a).length;
      io.stdout(
        `${count('created')} created, ${count('updated')} updated, ${count('unchanged')} unchanged\n`,
      );
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(jobs, 'export', io)
      .description('the current document of every active job: one file each, or a YAML stream on stdout')
      .option('-o, --output <dir>', 'write <dir>/<job>.yaml (or .json) instead'),
  ).action(
    action(io, async (flags: ConnectionFlags & { output?: string }) => {
      const client = await apiClient(io, flags);
      const { jobs: list } = await client.get<{ jobs: JobExportItem[] }>('/jobs/export', { format: 'json' });
      if (!flags.output) {
        io.stdout(yamlStream(list));
        return ExitCode.ok;
      }
      await mkdir(flags.output, { recursive: true });
      for (const j of list) {
        const path = join(flags.output, fileName(j));
        await writeFile(path, j.source.endsWith('\n') ? j.source : `${j.source}\n`);
        io.stdout(`wrote ${path} (${j.name} version ${j.version})\n`);
      }
      if (list.length === 0) io.stdout('no active jobs to export\n');
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(jobs, 'versions', io)
      .description("a job's versions, newest first")
      .argument('<name-or-id>', 'the job')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags & { json?: boolean }) => {
      const client = await apiClient(io, flags);
      const job = await resolveJob(client, key);
      const versions = await client.get<JobVersionSummary[]>(`/jobs/${job.id}/versions`);
      if (flags.json) printJson(io, versions);
      else {
        io.stdout(
          table(
            ['VERSION', 'SAVED', 'AUTHOR', 'HASH'],
            versions.map((v) => [
              `${v.version}${v.version === job.version ? ' *' : ''}`,
              formatTime(v.createdAt),
              v.author ?? '-',
              v.hash.slice(0, 12),
            ]),
          ),
        );
      }
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(jobs, 'rollback', io)
      .description('make an earlier version current again (saved as a new version equal to it)')
      .argument('<name-or-id>', 'the job')
      .requiredOption('--to <n>', 'the version to return to', positiveInt),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags & { to: number }) => {
      const client = await apiClient(io, flags);
      const job = await resolveJob(client, key);
      const saved = await client.post<JobSaved>(`/jobs/${job.id}/rollback`, { version: flags.to });
      io.stdout(
        saved.changed
          ? `${saved.job.name}: version ${saved.version} is now current, equal to version ${flags.to}\n`
          : `${saved.job.name}: version ${flags.to} equals the current version ${saved.version}; nothing changed\n`,
      );
      return ExitCode.ok;
    }),
  );

  registerJobRunCommands(jobs, io);
}
