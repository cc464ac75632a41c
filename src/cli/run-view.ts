/** How runs and their per-host executions read in a terminal. */
import type { Execution, Run, RunDetail } from '../http/schemas.ts';
import {
  durationBetween,
  fields,
  formatDuration,
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
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  if (c.running) parts.push(`${c.running} running`);
  if (c.queued) parts.push(`${c.queued} queued`);
  return `run ${run.id} ${statusText(run.status, p)}: ${parts.join(', ')} (in ${durationBetween(run.startedAt ?? run.createdAt, run.finishedAt, now)})\n`;
}

export function runDetailText(run: RunDetail, p: Palette = palette(false), now = Date.now()): string {
  const job = run.kind === 'job';
  const head = fields([
    ['run', run.id],
    ['status', statusText(run.status, p)],
    ...(run.job
      ? ([['job', `${run.job.name} v${run.job.version}`]] as [string, string][])
      : ([['command', run.command ?? '']] as [string, string][])),
    ...(run.retryOf
      ? ([
          [
            'retry of',
            `${run.retryOf} (${run.retryMode === 'all' ? 'all hosts' : 'hosts that did not succeed'})`,
          ],
        ] as [string, string][])
      : []),
    ['created', `${formatTime(run.createdAt)}${run.createdBy ? ` by ${run.createdBy}` : ''}`],
    ['started', formatTime(run.startedAt)],
    ['finished', formatTime(run.finishedAt)],
    ['duration', durationBetween(run.startedAt, run.finishedAt, now)],
    ['timeout', `${Math.round(run.timeoutMs / 1000)}s per host`],
    ...(job ? ([['targets', targetsText(run.targets)]] as [string, string][]) : []),
  ]);
  const hosts = executionsTable(run.executions, p, now);
  if (!job) return `${head}\n${hosts}`;
  return `${head}${parametersText(run.parameters)}\n${hosts}${stepsText(run, p, now)}${artifactsText(run)}`;
}

function targetsText(t: RunDetail['targets']): string {
  if (!t) return '-';
  if (t.selector !== undefined) return `selector ${t.selector}`;
  return (t.hosts ?? []).join(', ') || '-';
}

/** A parameter value as typed: plain when unambiguous, JSON-quoted when it has spaces, quotes or control characters. */
export function valueText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(valueText).join(', ')}]`;
  if (typeof v === 'string') {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be escaped
    return v === '' || /[\s,"'\\[\]\u0000-\u001f\u007f]/.test(v) ? JSON.stringify(v) : v;
  }
  return JSON.stringify(v) ?? String(v);
}

function parametersText(parameters: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(parameters);
  if (entries.length === 0) return 'parameters:  none\n';
  const lines = fields(entries.map(([k, v]) => [k, valueText(v)] as const));
  return `parameters:\n${indent(lines)}`;
}

const indent = (text: string): string =>
  text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');

/** Per host: its steps, with the status, exit code, attempts, duration and failure of each. */
function stepsText(run: RunDetail, p: Palette, now: number): string {
  const batches = run.executions.some((e) => e.batch > 0);
  return run.executions
    .map((e) => {
      const title = `\n${p.bold(e.hostName)}  ${statusText(e.status, p)}${batches ? `  batch ${e.batch + 1}` : ''}\n`;
      if (e.steps.length === 0) {
        return `${title}  ${e.status === 'queued' ? 'not started yet' : 'no step ran'}\n`;
      }
      const steps = run.steps.length > 0 ? run.steps : e.steps;
      const rows = steps.map((s) => {
        const r = e.steps.find((x) => x.index === s.index);
        if (!r) return [String(s.index + 1), s.id, p.dim('-')];
        return [
          String(s.index + 1),
          s.id,
          statusText(r.status, p) + (r.tolerated ? ' (tolerated)' : ''),
          r.exitCode === null ? '-' : String(r.exitCode),
          String(r.attempts),
          r.durationMs !== null
            ? formatDuration(r.durationMs)
            : durationBetween(r.startedAt, r.finishedAt, now),
          failureText(r),
        ];
      });
      return `${title}${indent(table(['#', 'STEP', 'STATUS', 'EXIT', 'ATTEMPTS', 'DURATION', 'FAILURE'], rows))}`;
    })
    .join('');
}

/** 512 B, 1.5 KiB, 12.0 MiB */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function artifactsText(run: RunDetail): string {
  if (run.artifacts.length === 0) return '';
  const rows = run.artifacts.map((a) => [
    a.name,
    a.hostName,
    String(a.stepIndex + 1),
    formatBytes(a.size),
    a.sha256?.slice(0, 12) ?? '-',
    a.id,
  ]);
  return `\nartifacts (download: orca runs artifact ${run.id} <name>):\n${indent(table(['NAME', 'HOST', 'STEP', 'SIZE', 'SHA256', 'ID'], rows))}`;
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
      truncate(r.command ?? (r.job ? `job ${r.job.name} v${r.job.version}` : ''), 60),
    ]),
  );
}
