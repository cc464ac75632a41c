/** `orca exec --hosts a,b -- command`: an ad-hoc run, followed live, with a per-host summary. */
import type { Command } from 'commander';
import type { RunDetail } from '../http/schemas.ts';
import type { ApiClient } from './client.ts';
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
import { HostOutput } from './host-output.ts';
import { CliError, type CliIo, ExitCode, usageError } from './io.ts';
import { executionsTable, runSummaryLine } from './run-view.ts';
import { followRun } from './stream.ts';

interface ExecFlags extends ConnectionFlags {
  readonly hosts: string;
  readonly timeout?: number;
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
    subcommand(program, 'exec', io)
      .description('run a command on hosts and follow its output live')
      .usage('--hosts <names> [options] -- <command...>')
      .requiredOption('--hosts <names>', 'comma-separated host names (or ids)')
      .option('--timeout <seconds>', 'time limit per host', positiveInt)
      .option('--no-follow', 'print the run id and return at once')
      .option('--json', 'print the final run (with its executions) as JSON instead of the output')
      .argument('<command...>', 'the command, after `--`; its words are joined with spaces'),
  ).action(
    action(io, async (words: string[], flags: ExecFlags) => {
      const hosts = parseHostList(flags.hosts);
      if (hosts.length === 0) throw usageError('--hosts needs at least one host name');
      const command = words.join(' ');
      if (!command.trim()) throw usageError('no command given; put it after `--`');
      const client = await apiClient(io, flags);
      const run = await client.post<RunDetail>('/runs', {
        command,
        targets: { hosts },
        ...(flags.timeout ? { timeoutSeconds: flags.timeout } : {}),
      });
      if (!flags.follow) {
        if (flags.json) printJson(io, run);
        else io.stdout(`${run.id}\n`);
        return ExitCode.ok;
      }
      return follow(io, client, run, flags.json === true);
    }),
  );
}

/** Follows until the run is final. Ctrl-C once cancels the run and waits; twice stops waiting. */
async function follow(io: CliIo, client: ApiClient, run: RunDetail, json: boolean): Promise<number> {
  const p = colors(io);
  const out = new HostOutput(json ? () => {} : io.stdout, p);
  out.setExecutions(run.executions);
  const stop = new AbortController();
  let interrupts = 0;
  const off = io.onInterrupt?.(() => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr(`\ncanceling run ${run.id} (Ctrl-C again to stop waiting)\n`);
      client.post(`/runs/${run.id}/cancel`).catch((e: unknown) => {
        io.stderr(`warning: could not cancel: ${e instanceof Error ? e.message : String(e)}\n`);
      });
    } else {
      stop.abort();
    }
  });
  let final: RunDetail;
  try {
    final = await followRun({
      client,
      runId: run.id,
      onEvent: (e) => out.event(e),
      onRun: (r) => out.setExecutions(r.executions),
      onNotice: (m) => io.stderr(`${m}\n`),
      signal: stop.signal,
    });
  } catch (error) {
    out.flush();
    if (error instanceof CliError && error.exitCode === ExitCode.interrupted) {
      io.stderr(`stopped waiting; run ${run.id} was asked to cancel (see \`orca runs show ${run.id}\`)\n`);
      return ExitCode.interrupted;
    }
    throw error;
  } finally {
    off?.();
  }
  out.flush();
  if (json) {
    printJson(io, final);
  } else {
    io.stdout(`\n${executionsTable(final.executions, p)}${runSummaryLine(final, p)}`);
  }
  if (interrupts > 0) return ExitCode.interrupted;
  return final.status === 'succeeded' ? ExitCode.ok : ExitCode.failure;
}
