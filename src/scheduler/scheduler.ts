/**
 * The scheduler: schedules → runs. Every `orca server` runs one; they coordinate only through
 * PostgreSQL. A tick locks the due schedules (`for update skip locked`), records each fire time
 * once (unique (schedule_id, fire_at)), advances next_fire_at and commits; then it launches the
 * fires it recorded, each through the same checks as a launch by hand. See docs/schedules.md.
 */
import type { Logger } from 'pino';
import { appendAudit } from '../db/audit.ts';
import type { Db } from '../db/pool.ts';
import {
  advanceSchedule,
  claimWaitingFires,
  type DueSchedule,
  type FireStatus,
  failStaleLaunches,
  fireFailed,
  fireStarted,
  fireToLaunch,
  insertFire,
  lockDueSchedules,
} from '../db/schedule-fires.ts';
import { scheduleSecretsAad } from '../db/schedules.ts';
import type { ParamValue } from '../domain/jobs/types.ts';
import { EVERY_PROJECT } from '../domain/projects.ts';
import { dueTimes, nextFireAfter, planFire } from '../domain/schedule-times.ts';
import type { TargetSelection } from '../http/job-run-schemas.ts';
import { launchJob } from '../http/launch.ts';
import type { Vault } from '../security/vault.ts';

export interface SchedulerDeps {
  readonly db: Db;
  readonly vault: Vault;
  readonly log: Logger;
  /** The current time; tests pass a controllable clock. */
  readonly now?: () => Date;
  /** A fire time later than this when the scheduler reaches it is a misfire (default 60 s). */
  readonly misfireGraceMs?: number;
  /** The timeout of the runs it starts. */
  readonly runTimeoutMs: number;
  /** Schedules handled per transaction (default 50). */
  readonly batchSize?: number;
}

/** What one tick did, for tests and logs. */
export interface TickResult {
  readonly started: string[];
  readonly failed: number;
  readonly recorded: number;
}

const LIVE = new Set(['queued', 'running']);
const STALE_LAUNCH_MS = 10 * 60_000;

export class Scheduler {
  private readonly now: () => Date;
  private readonly graceMs: number;
  private readonly batchSize: number;

  constructor(private readonly deps: SchedulerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.graceMs = deps.misfireGraceMs ?? 60_000;
    this.batchSize = deps.batchSize ?? 50;
  }

  /** Fires everything due now and launches the waiting fires whose previous run ended. */
  async tick(): Promise<TickResult> {
    const now = this.now();
    await failStaleLaunches(this.deps.db, STALE_LAUNCH_MS);
    let recorded = 0;
    const toLaunch: string[] = [];
    for (;;) {
      const batch = await this.fireDue(now);
      recorded += batch.recorded;
      toLaunch.push(...batch.launch);
      if (batch.schedules < this.batchSize) break;
    }
    toLaunch.push(...(await claimWaitingFires(this.deps.db)));
    const started: string[] = [];
    let failed = 0;
    for (const fireId of toLaunch) {
      const runId = await this.launch(fireId);
      if (runId) started.push(runId);
      else failed++;
    }
    return { started, failed, recorded };
  }

  /** One transaction over a batch of due schedules; returns the fires to launch after commit. */
  private async fireDue(now: Date): Promise<{ schedules: number; recorded: number; launch: string[] }> {
    return this.deps.db.transaction().execute(async (trx) => {
      const due = await lockDueSchedules(trx, now, this.batchSize);
      const launch: string[] = [];
      let recorded = 0;
      for (const s of due) {
        const fire = this.decide(s, now);
        if (fire) {
          const id = await insertFire(trx, { scheduleId: s.id, ...fire });
          if (id) recorded++;
          if (id && fire.status === 'launching') launch.push(id);
        }
        await advanceSchedule(trx, s.id, {
          nextFireAt: nextFireAfter(s.cron, s.time_zone, now),
          lastFireAt: fire && fire.status !== 'missed' ? fire.fireAt : undefined,
        });
      }
      return { schedules: due.length, recorded, launch };
    });
  }

  /** The fire to record for a due schedule, or null (inactive job: nothing fires). */
  private decide(
    s: DueSchedule,
    now: Date,
  ): { fireAt: Date; status: FireStatus; message: string | null } | null {
    if (!s.job_active || !s.next_fire_at) return null;
    const due = dueTimes(s.cron, s.time_zone, s.next_fire_at, now);
    if (!due) return null;
    const plan = planFire(due, now, s.misfire, this.graceMs);
    if (plan.kind === 'missed') {
      const n = `${plan.count}${plan.more ? '+' : ''}`;
      return {
        fireAt: plan.fireAt,
        status: 'missed',
        message: `missed ${n} fire time${plan.count === 1 && !plan.more ? '' : 's'} from ${plan.fireAt.toISOString()} to ${due.last.toISOString()} while no scheduler ran (misfire policy skip)`,
      };
    }
    const caughtUp =
      plan.missed > 0 ? `one run for ${plan.missed + 1} fire times missed while no scheduler ran` : null;
    const previousLive = (s.last_run_status !== null && LIVE.has(s.last_run_status)) || s.open_fire !== null;
    if (!previousLive || s.overlap === 'allow') {
      return { fireAt: plan.fireAt, status: 'launching', message: caughtUp };
    }
    const previous = s.open_fire
      ? `a fire of this schedule is still ${s.open_fire === 'waiting' ? 'waiting' : 'starting'}`
      : `the previous run ${s.last_run_id} is still ${s.last_run_status}`;
    if (s.overlap === 'queue' && s.open_fire === null) {
      return { fireAt: plan.fireAt, status: 'waiting', message: `waiting: ${previous}` };
    }
    return {
      fireAt: plan.fireAt,
      status: 'skipped',
      message: `skipped: ${previous} (overlap policy ${s.overlap})`,
    };
  }

  /** Launches a claimed fire; a failure is recorded on the fire and never thrown. */
  private async launch(fireId: string): Promise<string | null> {
    const { db, vault, log } = this.deps;
    try {
      const f = await fireToLaunch(db, fireId);
      if (!f) return null;
      const secrets =
        f.secret_parameters && f.secret_key_id
          ? (JSON.parse(
              vault.open(
                { keyId: f.secret_key_id, data: f.secret_parameters },
                scheduleSecretsAad(f.schedule_id),
              ),
            ) as Record<string, ParamValue>)
          : {};
      try {
        const runId = await launchJob(db, vault, {
          // The schedule follows its job: the run is in the job's project, on that project's hosts.
          scope: EVERY_PROJECT,
          jobId: f.job_id,
          version: f.version ?? undefined,
          parameters: { ...(f.parameters as Record<string, ParamValue>), ...secrets },
          targets: (f.targets as TargetSelection | null) ?? undefined,
          createdBy: f.created_by,
          timeoutMs: this.deps.runTimeoutMs,
          priority: f.priority,
        });
        await fireStarted(db, fireId, f.schedule_id, runId);
        await auditFire(db, f.schedule_id, 201, { runId, fireId });
        return runId;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await fireFailed(db, fireId, `the run could not start: ${message.replace(/^body\./, '')}`);
        await auditFire(db, f.schedule_id, 400, { fireId, error: message });
        log.warn({ schedule: f.schedule_id, fire: fireId, err: message }, 'scheduled run could not start');
        return null;
      }
    } catch (error) {
      log.error(
        { fire: fireId, err: error instanceof Error ? error.message : String(error) },
        'scheduler error',
      );
      return null;
    }
  }
}

/** Ticks every `intervalMs` until stopped; an error in one tick is logged and the next goes on. */
export function startSchedulerLoop(
  scheduler: Scheduler,
  intervalMs: number,
  log: Logger,
): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    if (stopped) return;
    running = scheduler
      .tick()
      .catch((e: unknown) =>
        log.warn({ err: e instanceof Error ? e.message : String(e) }, 'scheduler tick failed'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };
  timer = setTimeout(loop, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** Runs the scheduler starts are in the audit log like runs started by hand. */
async function auditFire(
  db: Db,
  scheduleId: string,
  status: number,
  after: Record<string, unknown>,
): Promise<void> {
  await appendAudit(db, {
    actor: 'scheduler',
    userId: null,
    via: 'system',
    address: null,
    method: 'POST',
    route: '(scheduler)',
    path: `/api/v1/schedules/${scheduleId}`,
    action: 'schedules.fire',
    targetId: scheduleId,
    status,
    after,
  }).catch(() => {});
}
