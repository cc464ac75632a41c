/** `500 ms`, `2 s`, `1.5 s`: how long a limit was, for messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}
