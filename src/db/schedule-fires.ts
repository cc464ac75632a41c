/**
 * The scheduler's SQL: locking due schedules, recording fires (the unique (schedule_id, fire_at)
 * key makes each fire time one row however many schedulers race), and claiming fires to launch.
 */
import { sql } from 'kysely';
import type { Db } from './pool.ts';
import type { ScheduleFiresTable } from './types.ts';

export type FireStatus = ScheduleFiresTable['status'];

/**
 * Enabled schedules whose next fire time has come, locked for this transaction; rows another
 * scheduler holds are skipped (it is firing them). Includes what the overlap policy needs.
 */
export async function lockDueSchedules(trx: Db, now: Date, limit: number) {
  return trx
    .selectFrom('schedules as s')
    .innerJoin('jobs as j', 'j.id', 's.job_id')
    .leftJoin('runs as r', 'r.id', 's.last_run_id')
    .select([
      's.id',
      's.cron',
      's.time_zone',
      's.overlap',
      's.misfire',
      's.next_fire_at',
      'j.active as job_active',
      'r.id as last_run_id',
      'r.status as last_run_status',
    ])
    .select(
      sql<FireStatus | null>`(select f.status from schedule_fires f where f.schedule_id = s.id
        and f.status in ('launching', 'waiting') order by f.fire_at desc limit 1)`.as('open_fire'),
    )
    .where('s.enabled', '=', true)
    .where('s.next_fire_at', '<=', now)
    .orderBy('s.next_fire_at')
    .limit(limit)
    .forUpdate('s')
    .skipLocked()
    .execute();
}
export type DueSchedule = Awaited<ReturnType<typeof lockDueSchedules>>[number];

/** Records a fire; returns its id, or null when this fire time was already recorded. */
export async function insertFire(
  trx: Db,
  f: { scheduleId: string; fireAt: Date; status: FireStatus; message: string | null },
): Promise<string | null> {
  const row = await trx
    .insertInto('schedule_fires')
    .values({ schedule_id: f.scheduleId, fire_at: f.fireAt, status: f.status, message: f.message })
    .onConflict((oc) => oc.columns(['schedule_id', 'fire_at']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function advanceSchedule(
  trx: Db,
  id: string,
  a: { nextFireAt: Date | null; lastFireAt?: Date | undefined },
): Promise<void> {
  await trx
    .updateTable('schedules')
    .set({
      next_fire_at: a.nextFireAt,
      ...(a.lastFireAt ? { last_fire_at: a.lastFireAt } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Claims the waiting fires (overlap `queue`) whose previous run has ended: each moves to
 * `launching` in one conditional update, so only one scheduler launches it.
 */
export async function claimWaitingFires(db: Db): Promise<string[]> {
  const rows = await db
    .updateTable('schedule_fires as f')
    .set({ status: 'launching', updated_at: sql`now()` })
    .where('f.status', '=', 'waiting')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('schedules as s')
          .leftJoin('runs as r', 'r.id', 's.last_run_id')
          .select(sql`1`.as('one'))
          .whereRef('s.id', '=', 'f.schedule_id')
          .where('s.enabled', '=', true)
          .where((w) => w.or([w('r.id', 'is', null), w('r.status', 'not in', ['queued', 'running'])])),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('schedule_fires as o')
            .select(sql`1`.as('one'))
            .whereRef('o.schedule_id', '=', 'f.schedule_id')
            .where('o.status', '=', 'launching'),
        ),
      ),
    )
    .returning('f.id')
    .execute();
  return rows.map((r) => r.id);
}

/** A claimed fire with what launching it needs. */
export async function fireToLaunch(db: Db, fireId: string) {
  return db
    .selectFrom('schedule_fires as f')
    .innerJoin('schedules as s', 's.id', 'f.schedule_id')
    .select([
      'f.id',
      'f.fire_at',
      'f.message',
      's.id as schedule_id',
      's.job_id',
      's.version',
      's.parameters',
      's.secret_parameters',
      's.secret_key_id',
      's.targets',
      's.priority',
      's.created_by',
    ])
    .where('f.id', '=', fireId)
    .where('f.status', '=', 'launching')
    .executeTakeFirst();
}
export type FireToLaunch = NonNullable<Awaited<ReturnType<typeof fireToLaunch>>>;

export async function fireStarted(db: Db, fireId: string, scheduleId: string, runId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('schedule_fires')
      .set({ status: 'started', run_id: runId, updated_at: sql`now()` })
      .where('id', '=', fireId)
      .execute();
    await trx.updateTable('schedules').set({ last_run_id: runId }).where('id', '=', scheduleId).execute();
  });
}

export async function fireFailed(db: Db, fireId: string, message: string): Promise<void> {
  await db
    .updateTable('schedule_fires')
    .set({ status: 'failed', message, updated_at: sql`now()` })
    .where('id', '=', fireId)
    .execute();
}

/**
 * Fires claimed by a scheduler that stopped before it launched them: recorded as failed, never
 * launched twice (the run may exist if it stopped between creating it and recording it).
 */
export async function failStaleLaunches(db: Db, olderThanMs: number): Promise<number> {
  const r = await db
    .updateTable('schedule_fires')
    .set({
      status: 'failed',
      message: 'the scheduler stopped while starting this run; see the runs list',
      updated_at: sql`now()`,
    })
    .where('status', '=', 'launching')
    .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
