/**
 * Counts the SQL statements this process sends to PostgreSQL (every pg client: orca's pools and
 * the queue's), grouped by their text with literals and whitespace folded, for "statements per
 * execution" without pg_stat_statements.
 */
import pg from 'pg';

const counts = new Map<string, number>();
let installed = false;

function shape(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/'(?:[^']|'')*'/g, "'…'")
    .replace(/\$\d+(?:\s*,\s*\$\d+)*/g, '$n')
    .slice(0, 140);
}

/** Starts counting (idempotent). */
export function countStatements(): void {
  if (installed) return;
  installed = true;
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    const text =
      typeof first === 'string'
        ? first
        : typeof first === 'object' && first !== null && 'text' in first
          ? String((first as { text: unknown }).text)
          : '';
    if (text) counts.set(shape(text), (counts.get(shape(text)) ?? 0) + 1);
    return original.apply(this, args);
  };
}

/** Counts so far, by statement shape. */
export function statementCounts(): Map<string, number> {
  return new Map(counts);
}

/** The difference of two snapshots, largest first. */
export function statementDelta(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): [string, number][] {
  return [...after.entries()]
    .map(([k, v]) => [k, v - (before.get(k) ?? 0)] as [string, number])
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1]);
}
