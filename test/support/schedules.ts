/** Schedules in tests: a controllable clock, schedulers of its own, and schedules made through the API. */
import pino from 'pino';
import { openDb } from '../../src/db/pool.ts';
import { Scheduler } from '../../src/scheduler/scheduler.ts';
import type { TestApp } from './app.ts';

/** A clock that moves only when told to. */
export class TestClock {
  constructor(private at: Date) {}
  readonly now = () => new Date(this.at);
  set(at: Date | string): void {
    this.at = new Date(at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/** A scheduler on its own connection pool, as another `orca server` would have. */
export function startTestScheduler(
  app: TestApp,
  clock: TestClock,
  options: { misfireGraceMs?: number } = {},
) {
  const handle = openDb(app.database.url, 4);
  const scheduler = new Scheduler({
    db: handle.db,
    vault: app.vault,
    log: pino({ level: 'silent' }),
    now: clock.now,
    misfireGraceMs: options.misfireGraceMs ?? 60_000,
    runTimeoutMs: 60_000,
  });
  return { scheduler, tick: () => scheduler.tick(), close: () => handle.close() };
}

export interface ScheduleView {
  id: string;
  name: string;
  enabled: boolean;
  nextFireAt: string | null;
  lastFireAt: string | null;
  lastRun: { id: string; status: string } | null;
  parameters: Record<string, unknown>;
}

export interface FireView {
  fireAt: string;
  status: string;
  message: string | null;
  run: { id: string; status: string } | null;
}

export async function createSchedule(app: TestApp, body: Record<string, unknown>): Promise<ScheduleView> {
  const res = await app.api('/schedules', { body });
  if (res.status !== 201) throw new Error(`create schedule: ${res.status} ${await res.text()}`);
  return (await res.json()) as ScheduleView;
}

export async function getSchedule(app: TestApp, id: string): Promise<ScheduleView> {
  const res = await app.api(`/schedules/${id}`);
  if (res.status !== 200) throw new Error(`schedule: ${res.status} ${await res.text()}`);
  return (await res.json()) as ScheduleView;
}

/** Oldest first. */
export async function fires(app: TestApp, id: string): Promise<FireView[]> {
  const res = await app.api(`/schedules/${id}/fires?limit=500`);
  if (res.status !== 200) throw new Error(`fires: ${res.status} ${await res.text()}`);
  return ((await res.json()) as FireView[]).reverse();
}

/** Runs of a job, counted in the database. */
export async function countRuns(app: TestApp, jobId: string): Promise<number> {
  const row = await app.database.handle.db
    .selectFrom('runs')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('job_id', '=', jobId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
