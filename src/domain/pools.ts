/**
 * Worker pools. A host may be routed to a pool, written as a worker tag `key=value`; its
 * executions and checks become queue tasks whose identifier names the pool
 * (`orca.execute@zone=dmz`). A worker registers only the identifiers it serves, and the queue
 * fetches only jobs whose identifier the worker knows, so routing needs no filter of our own.
 * Pure.
 */

/** A pool or worker tag: `key=value`, each part a letter or digit then up to 62 of `[A-Za-z0-9_.-]`. */
export const POOL_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}=[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$';
const POOL_RE = new RegExp(POOL_PATTERN);

export const isPool = (text: string): boolean => POOL_RE.test(text);

/** The queue tasks that are routed by the host's pool. */
export const RoutedTask = {
  execute: 'orca.execute',
  checkHost: 'orca.check-host',
} as const;
export type RoutedTask = (typeof RoutedTask)[keyof typeof RoutedTask];

/** The task identifier of `task` for a host in `pool` (null: no pool, any worker). */
export function routedIdentifier(task: RoutedTask, pool: string | null): string {
  return pool === null ? task : `${task}@${pool}`;
}

/** The pool a task identifier is routed to: null for an unrouted one, undefined if not a routed task. */
export function poolOfIdentifier(identifier: string): string | null | undefined {
  for (const task of Object.values(RoutedTask)) {
    if (identifier === task) return null;
    if (identifier.startsWith(`${task}@`)) return identifier.slice(task.length + 1);
  }
  return undefined;
}

/**
 * Parses `--tags` values: each may hold several tags separated by commas. Returns the tags
 * sorted, without duplicates; throws naming the first one that is not `key=value`.
 */
export function parseWorkerTags(values: readonly string[]): string[] {
  const tags = new Set<string>();
  for (const value of values) {
    for (const part of value.split(',')) {
      const tag = part.trim();
      if (tag === '') continue;
      if (!isPool(tag))
        throw new Error(`worker tag "${tag}" must be key=value (letters, digits, "_", "." or "-")`);
      tags.add(tag);
    }
  }
  return [...tags].sort();
}

/** What a worker serves: the pools of its tags, and the hosts with no pool unless `poolOnly`. */
export interface WorkerRouting {
  readonly tags: readonly string[];
  readonly poolOnly: boolean;
}

export function servesPool(worker: WorkerRouting, pool: string | null): boolean {
  return pool === null ? !worker.poolOnly : worker.tags.includes(pool);
}

/** The routed task identifiers a worker registers with the queue. */
export function servedIdentifiers(worker: WorkerRouting): string[] {
  const pools: (string | null)[] = [...(worker.poolOnly ? [] : [null]), ...worker.tags];
  return Object.values(RoutedTask).flatMap((task) => pools.map((p) => routedIdentifier(task, p)));
}

/** What /executor/status says of a pool that has work and no live worker to take it. */
export function poolProblem(
  pool: string | null,
  workers: number,
  waiting: number,
  /** Alive workers of any pool. */
  alive: number,
): string | null {
  if (workers > 0) return null;
  const who =
    pool !== null
      ? `no worker serves pool ${pool}`
      : alive > 0
        ? 'no worker serves hosts without a pool (every live worker is --pool-only)'
        : 'no worker is running';
  return waiting > 0 ? `${who}: ${waiting} waiting` : who;
}

/**
 * Whether a job step interrupted by a worker's graceful shutdown may run again on another
 * worker: file steps copy again, and a step whose retry policy is `on: any` was declared safe to
 * repeat. Other steps (exec, script, local) never run twice unasked; their execution ends `lost`.
 * Ad-hoc commands are always handed back (src/engine/execute.ts).
 */
export function rerunnableAfterShutdown(step: {
  readonly type: string;
  readonly retry: { readonly on: 'connection' | 'any' };
}): boolean {
  return (
    step.type === 'upload' || step.type === 'download' || step.type === 'sync' || step.retry.on === 'any'
  );
}
