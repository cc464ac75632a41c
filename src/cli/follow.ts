/**
 * Following a run a command just started (`orca exec`, `orca jobs run`, `orca runs retry`): live
 * host-prefixed output, then the per-host table and a summary; the exit code says how it went.
 */
import type { RunDetail } from '../http/schemas.ts';
import type { ApiClient } from './client.ts';
import { colors, printJson } from './common.ts';
import { HostOutput } from './host-output.ts';
import { CliError, type CliIo, ExitCode } from './io.ts';
import { executionsTable, runSummaryLine } from './run-view.ts';
import { followRun } from './stream.ts';

/** The run id (or, with --json, the run) for `--no-follow`; always exit 0. */
export function printStarted(io: CliIo, run: RunDetail, json: boolean): number {
  if (json) printJson(io, run);
  else io.stdout(`${run.id}\n`);
  return ExitCode.ok;
}

/**
 * Follows until the run is final. Ctrl-C once cancels the run and waits; twice stops waiting.
 * Exit code 0 only when the run succeeded.
 */
export async function followToEnd(
  io: CliIo,
  client: ApiClient,
  run: RunDetail,
  json: boolean,
): Promise<number> {
  const p = colors(io);
  const out = new HostOutput(json ? () => {} : io.stdout, p);
  out.setExecutions(run.executions);
  out.setSteps(run.steps);
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
    const details =
      final.kind === 'job' && final.status !== 'succeeded'
        ? `  (steps: \`orca runs show ${final.id}\`)\n`
        : '';
    io.stdout(`\n${executionsTable(final.executions, p)}${runSummaryLine(final, p)}${details}`);
  }
  if (interrupts > 0) return ExitCode.interrupted;
  return final.status === 'succeeded' ? ExitCode.ok : ExitCode.failure;
}
