/** `orca exec --hosts a,b [--selector expr] -- command`: an ad-hoc run, followed live, with a per-host summary. */
import type { Command } from 'commander';
import type { RunDetail } from '../http/schemas.ts';
import {
  action,
  apiClient,
  type ConnectionFlags,
  positiveInt,
  priority,
  subcommand,
  withConnection,
} from './common.ts';
import { followToEnd, printStarted } from './follow.ts';
import { type CliIo, usageError } from './io.ts';
import { projectRef, withProjectOption } from './projects.ts';

interface ExecFlags extends ConnectionFlags {
  /** --project: a project name or id. */
  readonly project?: string;
  readonly hosts?: string;
  readonly selector?: string;
  readonly timeout?: number;
  readonly priority?: number;
  readonly follow: boolean;
  readonly json?: boolean;
}

/** `web-1, web-2,,` → ['web-1', 'web-2'] */
export function parseHostList(value: string): string[] {
  return value
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
}

export function registerExec(program: Command, io: CliIo): void {
  withConnection(
    withProjectOption(subcommand(program, 'exec', io))
      .description('run a command on hosts and follow its output live')
      .usage('--hosts <names> | --selector <expr> [options] -- <command...>')
      .option('--hosts <names>', 'comma-separated host names (or ids)')
      .option('--selector <expr>', "hosts a selector picks, e.g. 'tag:web and env=prod' (with --hosts: both)")
      .option('--timeout <seconds>', 'time limit per host', positiveInt)
      .option('--priority <n>', 'from -100 to 100: higher starts first when workers are busy', priority)
      .option('--no-follow', 'print the run id and return at once')
      .option('--json', 'print the final run (with its executions) as JSON instead of the output')
      .argument('<command...>', 'the command, after `--`; its words are joined with spaces'),
  ).action(
    action(io, async (words: string[], flags: ExecFlags) => {
      const hosts = flags.hosts === undefined ? undefined : parseHostList(flags.hosts);
      if (hosts?.length === 0) throw usageError('--hosts needs at least one host name');
      if (!hosts && flags.selector === undefined) throw usageError('choose hosts with --hosts or --selector');
      const command = words.join(' ');
      if (!command.trim()) throw usageError('no command given; put it after `--`');
      const client = await apiClient(io, flags);
      const run = await client.post<RunDetail>('/runs', {
        command,
        ...(await projectRef(client, flags.project)),
        targets: {
          ...(hosts && { hosts }),
          ...(flags.selector !== undefined && { selector: flags.selector }),
        },
        ...(flags.timeout ? { timeoutSeconds: flags.timeout } : {}),
        ...(flags.priority !== undefined ? { priority: flags.priority } : {}),
      });
      if (!flags.follow) return printStarted(io, run, flags.json === true);
      return followToEnd(io, client, run, flags.json === true);
    }),
  );
}
