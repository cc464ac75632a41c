/** Adds graphile-worker tasks inside the caller's transaction, so work never exists without its row. */
import { sql } from 'kysely';
import { RoutedTask, routedIdentifier } from '../domain/pools.ts';
import type { Db } from './pool.ts';

/** Executions and host checks are routed by the host's pool (src/domain/pools.ts); notifications are not. */
export const Task = {
  execute: RoutedTask.execute,
  checkHost: RoutedTask.checkHost,
  notify: 'orca.notify',
} as const;
export type Task = (typeof Task)[keyof typeof Task];

/** A queue task identifier: a Task, or a routed one such as `orca.execute@zone=dmz`. */
export type TaskIdentifier = Task | `${RoutedTask}@${string}`;

/** The identifier of `task` for a host in `pool` (null: any worker). */
export const routed = (task: RoutedTask, pool: string | null): TaskIdentifier =>
  routedIdentifier(task, pool) as TaskIdentifier;

/**
 * The queue's priority of a run's tasks: graphile-worker starts lower numbers first, orca's run
 * priority is higher-first.
 */
export const queuePriority = (runPriority: number) => -runPriority;

/** Short tasks that report on runs (notifications) go before every execution. */
export const REPORTING_PRIORITY = -200;

export async function addTask(
  db: Db,
  task: TaskIdentifier,
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
  task: TaskIdentifier,
  payloads: readonly Record<string, unknown>[],
  priority = 0,
): Promise<void> {
  await addRoutedTasks(
    db,
    payloads.map((payload) => ({ identifier: task, payload })),
    priority,
  );
}

/** Adds one task per item, each with its own identifier (a fan-out over hosts of several pools). */
export async function addRoutedTasks(
  db: Db,
  items: readonly { identifier: TaskIdentifier; payload: Record<string, unknown> }[],
  priority = 0,
): Promise<void> {
  if (items.length === 0) return;
  const specs = items.map((i) => ({
    identifier: i.identifier,
    payload: i.payload,
    max_attempts: 1,
    priority,
  }));
  await sql`select count(*) from graphile_worker.add_jobs(array(
    select json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(specs)}::json)
  ))`.execute(db);
}
