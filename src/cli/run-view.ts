/** How runs and their per-host executions read in a terminal. */
import type { Execution, Run, RunDetail } from '../http/schemas.ts';
import {
  durationBetween,
  fields,
  formatTime,
  type Palette,
  palette,
  statusText,
  table,
  truncate,
} from './output.ts';

/** `nonzero-exit: exited with 1` — the kind and what to do about it. */
export function failureText(e: Pick<Execution, 'failureKind' | 'failureMessage'>): string {
  if (!e.failureKind) return e.failureMessage ?? '';
  return e.failureMessage ? `${e.failureKind}: ${e.failureMessage}` : e.failureKind;
}

/** HOST / STATUS / EXIT / DURATION / FAILURE, one row per host. */
export function executionsTable(
  executions: readonly Execution[],
  p: Palette = palette(false),
  now = Date.now(),
): string {
  return table(
    ['HOST', 'STATUS', 'EXIT', 'DURATION', 'FAILURE'],
    executions.map((e) => [
      e.hostName,
      statusText(e.status, p),
      e.exitCode === null ? '-' : String(e.exitCode),
      durationBetween(e.startedAt, e.finishedAt, now),
      failureText(e) + (e.truncatedBytes > 0 ? ` (output truncated by ${e.truncatedBytes} bytes)` : ''),
    ]),
  );
}

/** `run 5f0c… failed: 1 of 2 hosts succeeded, 1 failed (in 1.4s)` */
export function runSummaryLine(run: Run, p: Palette = palette(false), now = Date.now()): string {
  const c = run.counts;
  const parts = [`${c.succeeded} of ${c.total} host${c.total === 1 ? '' : 's'} succeeded`];
  if (c.failed) parts.push(`${c.failed} failed`);
  if (c.lost) parts.push(`${c.lost} lost`);
  if (c.canceled) parts.push(`${c.canceled} canceled`);
  if (c.running) parts.push(`${c.running} running`);
  if (c.queued) parts.push(`${c.queued} queued`);
  return `run ${run.id} ${statusText(run.status, p)}: ${parts.join(', ')} (in ${durationBetween(run.startedAt ?? run.createdAt, run.finishedAt, now)})\n`;
}

export function runDetailText(run: RunDetail, p: Palette = palette(false), now = Date.now()): string {
  return `${fields([
    ['run', run.id],
    ['status', statusText(run.status, p)],
    ['command', run.command],
    ['created', `${formatTime(run.createdAt)}${run.createdBy ? ` by ${run.createdBy}` : ''}`],
    ['started', formatTime(run.startedAt)],
    ['finished', formatTime(run.finishedAt)],
    ['duration', durationBetween(run.startedAt, run.finishedAt, now)],
    ['timeout', `${Math.round(run.timeoutMs / 1000)}s per host`],
  ])}\n${executionsTable(run.executions, p, now)}`;
}

/** The run history, newest first as the server sends it. */
export function runsTable(runs: readonly Run[], p: Palette = palette(false), now = Date.now()): string {
  return table(
    ['ID', 'STATUS', 'HOSTS', 'FAILED', 'CREATED', 'DURATION', 'COMMAND'],
    runs.map((r) => [
      r.id,
      statusText(r.status, p),
      String(r.counts.total),
      String(r.counts.failed + r.counts.lost),
      formatTime(r.createdAt),
      durationBetween(r.startedAt, r.finishedAt, now),
      truncate(r.command, 60),
    ]),
  );
}
