/** Dashboard numbers computed from run pages (the API has no statistics route). */
import type { Run, RunStatus } from '../api/types.ts';

export interface RunStats {
  readonly total: number;
  readonly byStatus: Readonly<Record<RunStatus, number>>;
  /** Succeeded among finished runs, 0–1; null when none finished. */
  readonly successRate: number | null;
}

export function runStats(runs: readonly Run[], since: number): RunStats {
  const byStatus: Record<RunStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 };
  let total = 0;
  for (const r of runs) {
    if (Date.parse(r.createdAt) < since) continue;
    byStatus[r.status]++;
    total++;
  }
  const finished = byStatus.succeeded + byStatus.failed + byStatus.canceled;
  return { total, byStatus, successRate: finished ? byStatus.succeeded / finished : null };
}

/** Pages back through run history until `since`, at most `maxPages` pages. */
export async function runsSince(
  list: (q: { limit: number; before?: string }) => Promise<Run[]>,
  since: number,
  pageSize = 200,
  maxPages = 5,
): Promise<{ runs: Run[]; complete: boolean }> {
  const runs: Run[] = [];
  let before: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await list({ limit: pageSize, ...(before && { before }) });
    runs.push(...page);
    const last = page[page.length - 1];
    if (page.length < pageSize || !last || Date.parse(last.createdAt) < since)
      return { runs, complete: true };
    before = last.createdAt;
  }
  return { runs, complete: false };
}
