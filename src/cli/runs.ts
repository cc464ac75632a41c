/** `orca runs list|show|cancel|retry|artifact` */
import { type Command, Option } from 'commander';
import type { Run, RunDetail } from '../http/schemas.ts';
import { defaultFileName, pickArtifact, saveStream } from './artifact.ts';
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
import { followToEnd, printStarted } from './follow.ts';
import { type CliIo, ExitCode } from './io.ts';
import { resolveJob } from './job-ref.ts';
import { statusText } from './output.ts';
import { formatBytes, runDetailText, runsTable } from './run-view.ts';

const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'];

interface ListFlags extends ConnectionFlags {
  /** --project: a project name or id. */
  readonly project?: string;
  readonly status?: string;
  readonly job?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

interface RetryFlags extends ConnectionFlags {
  readonly all?: boolean;
  readonly follow: boolean;
  readonly json?: boolean;
}

interface ArtifactFlags extends ConnectionFlags {
  readonly output?: string;
  readonly host?: string;
  readonly force?: boolean;
}

const runPath = (id: string) => `/runs/${encodeURIComponent(id)}`;

export function registerRuns(program: Command, io: CliIo): void {
  const runs = subcommand(program, 'runs', io).description(
    'run history: list, show, cancel, retry, download artifacts',
  );

  withConnection(
    subcommand(runs, 'list', io)
      .description('recent runs, newest first')
      .addOption(new Option('--status <status>', 'only runs with this status').choices(RUN_STATUSES))
      .option('--job <name-or-id>', 'only runs of this job')
      .option('--project <name>', "only this project's runs")
      .option('--limit <n>', 'how many (1-200, default 50)', positiveInt)
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ListFlags) => {
      const client = await apiClient(io, flags);
      const job = flags.job === undefined ? undefined : await resolveJob(client, flags.job);
      const list = await client.get<Run[]>('/runs', {
        status: flags.status,
        job: job?.id,
        project: flags.project,
        limit: flags.limit,
      });
      if (flags.json) printJson(io, list);
      else if (list.length === 0) io.stdout('no runs\n');
      else io.stdout(runsTable(list, colors(io)));
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(runs, 'show', io)
      .description('a run with the status, exit code and failure of each host (and of each step, for a job)')
      .argument('<run-id>', 'the run')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (runId: string, flags: ConnectionFlags & { json?: boolean }) => {
      const client = await apiClient(io, flags);
      const run = await client.get<RunDetail>(runPath(runId));
      if (flags.json) printJson(io, run);
      else io.stdout(runDetailText(run, colors(io)));
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(runs, 'cancel', io)
      .description('cancel a run: queued hosts never start, running commands are killed')
      .argument('<run-id>', 'the run'),
  ).action(
    action(io, async (runId: string, flags: ConnectionFlags) => {
      const client = await apiClient(io, flags);
      const run = await client.post<RunDetail>(`${runPath(runId)}/cancel`);
      io.stdout(`run ${run.id}: ${statusText(run.status, colors(io))}\n`);
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(runs, 'retry', io)
      .description(
        'run again, as a new run with the same command or job version and values: the hosts that did not succeed, or --all',
      )
      .argument('<run-id>', 'the run to retry')
      .option('--all', 'every host of the run, not only those that did not succeed')
      .option('--no-follow', 'print the new run id and return at once')
      .option('--json', 'print the final run as JSON instead of the output'),
  ).action(
    action(io, async (runId: string, flags: RetryFlags) => {
      const client = await apiClient(io, flags);
      const run = await client.post<RunDetail>(`${runPath(runId)}/retry`, {
        mode: flags.all ? 'all' : 'failed',
      });
      if (!flags.follow) return printStarted(io, run, flags.json === true);
      if (!flags.json) {
        const hosts = run.executions.map((e) => e.hostName).join(', ');
        io.stdout(colors(io).dim(`run ${run.id}: retry of ${runId} on ${hosts}\n`));
      }
      return followToEnd(io, client, run, flags.json === true);
    }),
  );

  withConnection(
    subcommand(runs, 'artifact', io)
      .description('download a file a download step brought back')
      .argument('<run-id>', 'the run')
      .argument('<artifact>', 'its name (see `orca runs show`) or id')
      .option('-o, --output <file>', 'save it here (default: its name, in the current directory)')
      .option('--host <name>', 'the host it came from, when several brought back a file of that name')
      .option('--force', 'replace the file if it exists'),
  ).action(
    action(io, async (runId: string, key: string, flags: ArtifactFlags) => {
      const client = await apiClient(io, flags);
      const run = await client.get<RunDetail>(runPath(runId));
      const artifact = pickArtifact(run.artifacts, key, flags.host);
      const res = await client.download(`${runPath(run.id)}/artifacts/${artifact.id}`);
      const path = flags.output ?? defaultFileName(artifact);
      if (!res.body) throw new Error('the server sent no content');
      const expected = res.headers.get('x-content-sha256') || artifact.sha256;
      const digest = await saveStream(
        res.body,
        path,
        expected,
        flags.output !== undefined || flags.force === true,
      );
      io.stdout(
        `saved ${path} (${artifact.name} from ${artifact.hostName}, ${formatBytes(artifact.size)}, sha256 ${digest.slice(0, 12)})\n`,
      );
      return ExitCode.ok;
    }),
  );
}
