/** Plain, aligned text: tables, durations, colours (only on a terminal), host-prefixed lines. */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Width of a string on screen: without ANSI colour codes. */
export const visibleWidth = (s: string): number => s.replace(ANSI, '').length;

const padEnd = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - visibleWidth(s)));

/** Columns separated by two spaces, left-aligned, no trailing blanks. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => visibleWidth(r[i] ?? ''))));
  return all
    .map((r) =>
      headers
        .map((_, i) => (i === headers.length - 1 ? (r[i] ?? '') : padEnd(r[i] ?? '', widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** `name: value` lines with the values aligned. */
export function fields(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length + 1));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${v}\n`).join('');
}

export interface Palette {
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const sgr = (on: string, off: string) => (s: string) => `\x1b[${on}m${s}\x1b[${off}m`;
const plainText = (s: string) => s;

/** Colours when writing to a terminal (and NO_COLOR is unset); the identity otherwise. */
export function palette(enabled: boolean): Palette {
  if (!enabled) {
    return {
      red: plainText,
      green: plainText,
      yellow: plainText,
      cyan: plainText,
      dim: plainText,
      bold: plainText,
    };
  }
  return {
    red: sgr('31', '39'),
    green: sgr('32', '39'),
    yellow: sgr('33', '39'),
    cyan: sgr('36', '39'),
    dim: sgr('2', '22'),
    bold: sgr('1', '22'),
  };
}

/** A run or execution status, coloured by outcome. */
export function statusText(status: string, p: Palette): string {
  switch (status) {
    case 'succeeded':
      return p.green(status);
    case 'failed':
    case 'lost':
      return p.red(status);
    case 'canceled':
      return p.yellow(status);
    case 'running':
      return p.cyan(status);
    case 'skipped':
      return p.dim(status);
    default:
      return status;
  }
}

/** 850ms, 1.2s, 3m04s, 2h05m */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Time between two ISO timestamps; `-` when it has not started, up to `now` while running. */
export function durationBetween(start: string | null, end: string | null, now = Date.now()): string {
  if (!start) return '-';
  return formatDuration((end ? Date.parse(end) : now) - Date.parse(start));
}

/** Local time, to the second: 2024-05-01 14:03:09 */
export function formatTime(iso: string | null): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Shortens to `max` characters with an ellipsis; newlines shown as spaces. */
export function truncate(s: string, max: number): string {
  const one = s.replace(/\s*\n\s*/g, ' ');
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Splits a stream of chunks into lines; a line without its newline waits for the next chunk
 * (or `end()`). A `\r` before the newline is dropped.
 */
export class LineSplitter {
  private partial = '';

  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    return parts.map(stripCr);
  }

  /** The unfinished last line, if any, and forget it. */
  end(): string | null {
    const rest = this.partial;
    this.partial = '';
    return rest === '' ? null : stripCr(rest);
  }
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

/** Marks between host and text: stdout, stderr, orca's own notes, and the heading of a job step. */
export const Mark = { stdout: '|', stderr: '!', system: '*', step: '#' } as const;
export type MarkKind = keyof typeof Mark;

/** `web-1  | text`: the host padded to `width`, the mark, the text. */
export function prefixLine(
  host: string,
  width: number,
  kind: MarkKind,
  text: string,
  p: Palette = palette(false),
): string {
  const mark =
    kind === 'stderr'
      ? p.red(Mark.stderr)
      : kind === 'system'
        ? p.yellow(Mark.system)
        : kind === 'step'
          ? p.cyan(Mark.step)
          : p.dim(Mark.stdout);
  return `${p.bold(host.padEnd(width))} ${mark}${text ? ` ${text}` : ''}\n`;
}
