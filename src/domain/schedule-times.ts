/**
 * Fire times of schedules: cron expressions (croner: seconds optional, `L`, `#`, ranges,
 * nicknames such as `@daily`) in an IANA time zone. Pure: every function takes the instant it
 * computes from. DST behaviour (pinned by schedule-times.test.ts, described in docs/schedules.md):
 * a wall time skipped by a spring-forward transition fires once, at the first instant after the
 * gap; a wall time repeated by a fall-back transition fires once, at its first occurrence; and
 * expressions that name no fixed hour (every 30 minutes, every hour) keep firing in elapsed time.
 */
import { Cron } from 'croner';

export type OverlapPolicy = 'skip' | 'queue' | 'allow';
export type MisfirePolicy = 'skip' | 'run-once';

/** The problem with a cron expression, or null when croner accepts it. */
export function cronProblem(cron: string): string | null {
  try {
    new Cron(cron, { paused: true });
    return null;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return `not a valid cron expression (${text.replace(/^CronPattern: /, '')})`;
  }
}

/** The problem with a time zone name, or null when it is a known IANA zone. */
export function timeZoneProblem(timeZone: string): string | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return null;
  } catch {
    return `unknown time zone ${JSON.stringify(timeZone)} (use an IANA name such as Europe/Berlin or UTC)`;
  }
}

const cronOf = (cron: string, timeZone: string) => new Cron(cron, { timezone: timeZone, paused: true });

/** The first fire time strictly after `after`, or null when there is none. */
export function nextFireAfter(cron: string, timeZone: string, after: Date): Date | null {
  return cronOf(cron, timeZone).nextRun(after);
}

/** The next `count` fire times strictly after `after`. */
export function nextFireTimes(cron: string, timeZone: string, after: Date, count: number): Date[] {
  const c = cronOf(cron, timeZone);
  const out: Date[] = [];
  let at: Date | null = after;
  while (out.length < count) {
    at = c.nextRun(at);
    if (!at) break;
    out.push(at);
  }
  return out;
}

/** Fire times in [first, now]: how many (counted up to `limit`) and the latest of them. */
export interface DueTimes {
  readonly count: number;
  /** true when there were more than `limit`; `count` is then a lower bound. */
  readonly more: boolean;
  readonly first: Date;
  readonly last: Date;
}

/** The fire times due at `now`, from `first` (a schedule's next_fire_at, itself a fire time). */
export function dueTimes(
  cron: string,
  timeZone: string,
  first: Date,
  now: Date,
  limit = 1000,
): DueTimes | null {
  if (first.getTime() > now.getTime()) return null;
  const c = cronOf(cron, timeZone);
  let last = first;
  let count = 1;
  for (;;) {
    const next = c.nextRun(last);
    if (!next || next.getTime() > now.getTime()) return { count, more: false, first, last };
    if (count >= limit) return { count, more: true, first, last };
    last = next;
    count++;
  }
}

/** What one scheduler tick does with a schedule's due fire times. */
export type FirePlan =
  /** Start a run for the fire time `fireAt`; `missed` earlier times were caught up in it. */
  | { readonly kind: 'fire'; readonly fireAt: Date; readonly missed: number }
  /** Record one note for `count` missed times at `fireAt` (the first of them); start nothing. */
  | { readonly kind: 'missed'; readonly fireAt: Date; readonly count: number; readonly more: boolean };

/**
 * A fire time is on time while `now` is within `graceMs` of it. On time, the latest due time fires
 * (earlier ones, if any, were missed). Late (the scheduler was down): `skip` records the missed
 * times as one note and waits for the next future time; `run-once` fires once for all of them.
 */
export function planFire(due: DueTimes, now: Date, misfire: MisfirePolicy, graceMs: number): FirePlan {
  const onTime = now.getTime() - due.last.getTime() <= graceMs;
  if (onTime) return { kind: 'fire', fireAt: due.last, missed: due.count - 1 };
  if (misfire === 'run-once') return { kind: 'fire', fireAt: due.last, missed: due.count - 1 };
  return { kind: 'missed', fireAt: due.first, count: due.count, more: due.more };
}
