import { sql } from 'kysely';
import type { Db } from './pool.ts';

export async function registerWorker(
  db: Db,
  w: {
    id: string;
    hostname: string;
    pid: number;
    version: string;
    concurrency: number;
    tags: readonly string[];
    poolOnly: boolean;
  },
): Promise<void> {
  const { poolOnly, tags, ...rest } = w;
  await db
    .insertInto('workers')
    .values({ ...rest, tags: [...tags], pool_only: poolOnly })
    .execute();
}

/** A graceful shutdown began: the worker claims nothing more (it still heartbeats while it drains). */
export async function markWorkerStopping(db: Db, id: string): Promise<void> {
  await db.updateTable('workers').set({ stopping_at: new Date() }).where('id', '=', id).execute();
}

export async function heartbeat(db: Db, id: string): Promise<void> {
  await db.updateTable('workers').set({ last_heartbeat_at: new Date() }).where('id', '=', id).execute();
}

export async function markWorkerStopped(db: Db, id: string): Promise<void> {
  await db.updateTable('workers').set({ stopped_at: new Date() }).where('id', '=', id).execute();
}

/**
 * Marks as lost the running executions of workers that stopped or missed their heartbeat for
 * longer than `timeoutMs` (counted from the database's own start at the earliest); returns the
 * affected runs and the dead workers' ids.
 */
export async function reapLostExecutions(
  db: Db,
  timeoutMs: number,
): Promise<{ runIds: string[]; executionIds: string[]; deadWorkers: string[] }> {
  return db.transaction().execute(async (trx) => {
    const dead = await trx
      .selectFrom('workers')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('stopped_at', 'is not', null),
          eb.and([
            eb('last_heartbeat_at', '<', sql<Date>`now() - make_interval(secs => ${timeoutMs / 1000})`),
            // Right after the database restarted, every worker was silent while it was down:
            // give them one lease to heartbeat again before any is declared dead.
            eb(
              sql<Date>`pg_postmaster_start_time()`,
              '<',
              sql<Date>`now() - make_interval(secs => ${timeoutMs / 1000})`,
            ),
          ]),
        ]),
      )
      .execute();
    const ids = dead.map((d) => d.id);
    if (ids.length === 0) return { runIds: [], executionIds: [], deadWorkers: [] };
    const lost = await trx
      .updateTable('executions')
      .set({
        status: 'lost',
        failure_kind: 'lost',
        failure_message: 'the worker running this execution stopped responding; its outcome is unknown',
        finished_at: new Date(),
      })
      .where('status', '=', 'running')
      .where('worker_id', 'in', ids)
      .returning(['id', 'run_id'])
      .execute();
    // Dead workers without running executions are forgotten after a day.
    await trx
      .deleteFrom('workers')
      .where('id', 'in', ids)
      .where('last_heartbeat_at', '<', sql<Date>`now() - interval '1 day'`)
      .execute();
    return {
      runIds: [...new Set(lost.map((l) => l.run_id))],
      executionIds: lost.map((l) => l.id),
      deadWorkers: ids,
    };
  });
}
