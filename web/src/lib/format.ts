/** Text for times, durations, sizes and run counts. Pure, so it is tested without a browser. */
import type { Run, RunCounts } from '../api/types.ts';

/** 850 ms, 12.3 s, 4m 05s, 2h 03m */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  const m = Math.floor(s / 60);
  if (m < 24 * 60) return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(m / 1440)}d ${String(Math.floor(m / 60) % 24).padStart(2, '0')}h`;
}

/** Duration from start to end, or to `now` while still going; null when it has not started. */
export function elapsed(start: string | null, end: string | null, now = Date.now()): number | null {
  if (!start) return null;
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now;
  return Number.isNaN(from) || Number.isNaN(to) ? null : Math.max(0, to - from);
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", then the date. */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 0) return formatDateTime(iso);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  if (s < 7 * 86_400) return `${Math.round(s / 86_400)} d ago`;
  return new Date(t).toLocaleDateString();
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
}

/** "2/2 ok", "1/3 ok · 2 failed", "0/4 ok · 4 queued" */
export function countsSummary(c: RunCounts): string {
  const parts = [`${c.succeeded}/${c.total} ok`];
  const rest: [number, string][] = [
    [c.failed, 'failed'],
    [c.lost, 'lost'],
    [c.canceled, 'canceled'],
    [c.skipped, 'skipped'],
    [c.running, 'running'],
    [c.queued, 'queued'],
  ];
  for (const [n, label] of rest) if (n > 0) parts.push(`${n} ${label}`);
  return parts.join(' · ');
}

/** What a run is, in one line: the job and version, or the ad-hoc command's first line. */
export function runTitle(run: Pick<Run, 'command' | 'job'>, max = 80): string {
  if (run.job) return `${run.job.name} v${run.job.version}`;
  return commandPreview(run.command ?? '', max);
}

/** Long commands in tables: the first line, shortened. */
export function commandPreview(command: string, max = 80): string {
  const lines = command.split('\n');
  let first = (lines[0] ?? '').trim();
  if (lines.length > 1) first += ' …';
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}
