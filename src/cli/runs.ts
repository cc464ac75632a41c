/** `orca runs list|show|cancel` */
import { type Command, Option } from 'commander';
import type { Run, RunDetail } from '../http/schemas.ts';
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
import { type CliIo, ExitCode } from './io.ts';
import { statusText } from './output.ts';
import { runDetailText, runsTable } from './run-view.ts';

const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'];

interface ListFlags extends ConnectionFlags {
  readonly status?: string;
  readonly limit?: number;
  readonly json?: boolean;
}

export function registerRuns(program: Command, io: CliIo): void {
  const runs = subcommand(program, 'runs', io).description('run history: list, show, cancel');

  withConnection(
    subcommand(runs, 'list', io)
      .description('recent runs, newest first')
      .addOption(new Option('--status <status>', 'only runs with this status').choices(RUN_STATUSES))
      .option('--limit <n>', 'how many (1-200, default 50)', positiveInt)
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ListFlags) => {
      const client = await apiClient(io, flags);
      const list = await client.get<Run[]>('/runs', { status: flags.status, limit: flags.limit });
      if (flags.json) printJson(io, list);
      else if (list.length === 0) io.stdout('no runs\n');
      else io.stdout(runsTable(list, colors(io)));
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(runs, 'show', io)
      .description('a run with the status, exit code and failure of each host')
      .argument('<run-id>', 'the run')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (runId: string, flags: ConnectionFlags & { json?: boolean }) => {
      const client = await apiClient(io, flags);
      const run = await client.get<RunDetail>(`/runs/${encodeURIComponent(runId)}`);
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
      const run = await client.post<RunDetail>(`/runs/${encodeURIComponent(runId)}/cancel`);
      io.stdout(`run ${run.id}: ${statusText(run.status, colors(io))}\n`);
      return ExitCode.ok;
    }),
  );
}
