/** `orca logs [-f] RUN_ID`: a run's stored output, then (with -f) live until it ends. */
import type { Command } from 'commander';
import { isFinalRun } from '../domain/status.ts';
import type { RunDetail } from '../http/schemas.ts';
import { action, apiClient, type ConnectionFlags, colors, subcommand, withConnection } from './common.ts';
import { HostOutput } from './host-output.ts';
import { CliError, type CliIo, ExitCode } from './io.ts';
import { Cursor, drainLog, followRun } from './stream.ts';

interface LogsFlags extends ConnectionFlags {
  readonly follow?: boolean;
}

export function registerLogs(program: Command, io: CliIo): void {
  withConnection(
    subcommand(program, 'logs', io)
      .description("print a run's output, each line prefixed by its host")
      .argument('<run-id>', 'the run')
      .option('-f, --follow', 'keep printing new output until the run ends'),
  ).action(
    action(io, async (runId: string, flags: LogsFlags) => {
      const client = await apiClient(io, flags);
      const run = await client.get<RunDetail>(`/runs/${encodeURIComponent(runId)}`);
      const out = new HostOutput(io.stdout, colors(io));
      out.setExecutions(run.executions);
      out.setSteps(run.steps);
      const cursor = new Cursor();
      await drainLog(client, run, cursor, (e) => out.event(e));
      if (!flags.follow || isFinalRun(run.status)) {
        out.flush();
        return ExitCode.ok;
      }
      const stop = new AbortController();
      const off = io.onInterrupt?.(() => stop.abort());
      try {
        await followRun({
          client,
          runId: run.id,
          cursor,
          onEvent: (e) => out.event(e),
          onRun: (r) => out.setExecutions(r.executions),
          onNotice: (m) => io.stderr(`${m}\n`),
          signal: stop.signal,
        });
      } catch (error) {
        if (error instanceof CliError && error.exitCode === ExitCode.interrupted) return ExitCode.interrupted;
        throw error;
      } finally {
        off?.();
        out.flush();
      }
      return ExitCode.ok;
    }),
  );
}
