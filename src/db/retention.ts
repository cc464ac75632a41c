/**
 * Retention: finished runs (with their executions, output and artifacts) and artifacts older than
 * the configured age are deleted in small batches, so a sweep never holds long locks.
 */
import { RunStatus } from '../domain/status.ts';
import type { Db } from './pool.ts';

const FINISHED: RunStatus[] = [RunStatus.succeeded, RunStatus.failed, RunStatus.canceled];

/** Deletes up to `limit` runs that finished before `before`; returns how many went. */
export async function deleteRunsFinishedBefore(db: Db, before: Date, limit: number): Promise<number> {
  const r = await db
    .deleteFrom('runs')
    .where(
      'id',
      'in',
      db
        .selectFrom('runs')
        .select('id')
        .where('status', 'in', FINISHED)
        .where('finished_at', '<', before)
        .orderBy('finished_at')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Deletes up to `limit` artifacts stored before `before` (their chunks go with them). */
export async function deleteArtifactsCreatedBefore(db: Db, before: Date, limit: number): Promise<number> {
  const r = await db
    .deleteFrom('artifacts')
    .where(
      'id',
      'in',
      db
        .selectFrom('artifacts')
        .select('id')
        .where('created_at', '<', before)
        .orderBy('created_at')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export interface RetentionPolicy {
  /** 0 keeps runs forever. */
  readonly runDays: number;
  /** 0 keeps artifacts as long as their run. */
  readonly artifactDays: number;
}

/** One sweep: batches until nothing is left to delete or `maxBatches` ran (the next tick goes on). */
export async function applyRetention(
  db: Db,
  policy: RetentionPolicy,
  now = new Date(),
  batch = 500,
  maxBatches = 20,
): Promise<{ runs: number; artifacts: number }> {
  const ago = (days: number) => new Date(now.getTime() - days * 86_400_000);
  let runs = 0;
  let artifacts = 0;
  for (let i = 0; i < maxBatches && policy.artifactDays > 0; i++) {
    const n = await deleteArtifactsCreatedBefore(db, ago(policy.artifactDays), batch);
    artifacts += n;
    if (n < batch) break;
  }
  for (let i = 0; i < maxBatches && policy.runDays > 0; i++) {
    const n = await deleteRunsFinishedBefore(db, ago(policy.runDays), batch);
    runs += n;
    if (n < batch) break;
  }
  return { runs, artifacts };
}
