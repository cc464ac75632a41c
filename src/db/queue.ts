/** Adds graphile-worker tasks inside the caller's transaction, so work never exists without its row. */
import { sql } from 'kysely';
import type { Db } from './pool.ts';

export const Task = {
  execute: 'orca.execute',
  checkHost: 'orca.check-host',
  notify: 'orca.notify',
} as const;
export type Task = (typeof Task)[keyof typeof Task];

/**
 * The queue's priority of a run's tasks: graphile-worker starts lower numbers first, orca's run
 * priority is higher-first.
 */
export const queuePriority = (runPriority: number) => -runPriority;

/** Short tasks that report on runs (notifications) go before every execution. */
export const REPORTING_PRIORITY = -200;

export async function addTask(
  db: Db,
  task: Task,
  payload: Record<string, unknown>,
  runAt?: Date,
  priority = 0,
): Promise<void> {
  // max_attempts 1: orca decides about retries itself (per step policy), never the queue.
  await sql`select graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json, max_attempts => 1, run_at => ${runAt ?? null}::timestamptz, priority => ${priority}::int)`.execute(
    db,
  );
}

/** Adds one task per payload in a single statement (large fan-outs). */
export async function addTasks(
  db: Db,
  task: Task,
  payloads: readonly Record<string, unknown>[],
  priority = 0,
): Promise<void> {
  if (payloads.length === 0) return;
  const specs = payloads.map((p) => ({ identifier: task, payload: p, max_attempts: 1, priority }));
  await sql`select count(*) from graphile_worker.add_jobs(array(
    select json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(specs)}::json)
  ))`.execute(db);
}
