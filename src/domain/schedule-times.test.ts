import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cronProblem,
  dueTimes,
  nextFireAfter,
  nextFireTimes,
  planFire,
  timeZoneProblem,
} from './schedule-times.ts';

const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString());
/** Fire times of `cron` in `tz` from `from` up to `to`, as a scheduler stepping through the day sees them. */
const firesBetween = (cron: string, tz: string, from: string, to: string) =>
  iso(nextFireTimes(cron, tz, new Date(from), 50).filter((d) => d.getTime() <= Date.parse(to)));

describe('DST', () => {
  test('a 02:30 Europe/Berlin job runs once on the spring-forward day, at 03:00 CEST', () => {
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that day.
    assert.deepEqual(
      firesBetween('30 2 * * *', 'Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29T22:59:59Z'),
      ['2026-03-29T01:00:00.000Z'],
    );
    // the days around it fire at 02:30 local
    assert.deepEqual(iso(nextFireTimes('30 2 * * *', 'Europe/Berlin', new Date('2026-03-27T12:00:00Z'), 3)), [
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  test('a 02:30 America/New_York job runs once on the spring-forward day', () => {
    assert.deepEqual(
      firesBetween('30 2 * * *', 'America/New_York', '2026-03-08T05:00:00Z', '2026-03-09T03:59:59Z'),
      ['2026-03-08T07:00:00.000Z'],
    );
  });

  test('a 01:30 America/New_York job runs once on the fall-back day, at the first 01:30 (EDT)', () => {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    assert.deepEqual(
      firesBetween('30 1 * * *', 'America/New_York', '2026-11-01T04:00:00Z', '2026-11-02T04:59:59Z'),
      ['2026-11-01T05:30:00.000Z'],
    );
    // asked right after the first 01:30, the next fire is the next day's, not the repeated 01:30 EST
    assert.equal(
      nextFireAfter('30 1 * * *', 'America/New_York', new Date('2026-11-01T05:30:00Z'))?.toISOString(),
      '2026-11-02T06:30:00.000Z',
    );
  });

  test('a 02:30 Europe/Berlin job runs once on the fall-back day', () => {
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    assert.deepEqual(
      firesBetween('30 2 * * *', 'Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T22:59:59Z'),
      ['2026-10-25T00:30:00.000Z'],
    );
  });

  test('an every-30-minutes job keeps its pace in elapsed time through the repeated hour', () => {
    assert.deepEqual(
      firesBetween('*/30 * * * *', 'Europe/Berlin', '2026-10-24T23:59:59Z', '2026-10-25T02:00:00Z'),
      [
        '2026-10-25T00:00:00.000Z',
        '2026-10-25T00:30:00.000Z',
        '2026-10-25T01:00:00.000Z',
        '2026-10-25T01:30:00.000Z',
        '2026-10-25T02:00:00.000Z',
      ],
    );
  });
});

describe('expressions', () => {
  test('seconds, L, #, ranges and nicknames are understood', () => {
    const from = new Date('2026-02-01T12:00:00Z');
    assert.deepEqual(iso(nextFireTimes('*/20 * * * * *', 'UTC', from, 2)), [
      '2026-02-01T12:00:20.000Z',
      '2026-02-01T12:00:40.000Z',
    ]);
    assert.equal(nextFireAfter('0 0 L * *', 'UTC', from)?.toISOString(), '2026-02-28T00:00:00.000Z');
    assert.equal(nextFireAfter('0 0 * * 5#2', 'UTC', from)?.toISOString(), '2026-02-13T00:00:00.000Z');
    assert.equal(nextFireAfter('0 0 * * 5L', 'UTC', from)?.toISOString(), '2026-02-27T00:00:00.000Z');
    assert.equal(nextFireAfter('0 9-11 * * *', 'UTC', from)?.toISOString(), '2026-02-02T09:00:00.000Z');
    // both day fields restricted: a day matching either fires (classic cron)
    assert.deepEqual(iso(nextFireTimes('0 0 13 * 5', 'UTC', from, 2)), [
      '2026-02-06T00:00:00.000Z',
      '2026-02-13T00:00:00.000Z',
    ]);
    assert.equal(nextFireAfter('@daily', 'UTC', from)?.toISOString(), '2026-02-02T00:00:00.000Z');
    assert.equal(nextFireAfter('0 9 * * *', 'Asia/Tokyo', from)?.toISOString(), '2026-02-02T00:00:00.000Z');
  });

  test('bad expressions and unknown zones are named', () => {
    assert.equal(cronProblem('*/5 * * * *'), null);
    assert.match(cronProblem('every day') ?? '', /not a valid cron expression/);
    assert.match(cronProblem('61 * * * *') ?? '', /not a valid cron expression/);
    assert.equal(timeZoneProblem('Europe/Berlin'), null);
    assert.match(timeZoneProblem('Mars/Olympus') ?? '', /unknown time zone "Mars\/Olympus"/);
  });
});

describe('due times and misfires', () => {
  const cron = '0 * * * *';
  test('counts the fire times due since next_fire_at', () => {
    const due = dueTimes(cron, 'UTC', new Date('2026-01-01T10:00:00Z'), new Date('2026-01-01T13:30:00Z'));
    assert.deepEqual(due && { count: due.count, last: due.last.toISOString() }, {
      count: 4,
      last: '2026-01-01T13:00:00.000Z',
    });
    assert.equal(
      dueTimes(cron, 'UTC', new Date('2026-01-01T14:00:00Z'), new Date('2026-01-01T13:30:00Z')),
      null,
    );
    const capped = dueTimes(
      '* * * * * *',
      'UTC',
      new Date('2026-01-01T00:00:00Z'),
      new Date('2026-01-02T00:00:00Z'),
      100,
    );
    assert.deepEqual(capped && { count: capped.count, more: capped.more }, { count: 100, more: true });
  });

  test('on time fires the latest; late skips or runs once', () => {
    const first = new Date('2026-01-01T10:00:00Z');
    const onTime = new Date('2026-01-01T10:00:02Z');
    const due1 = dueTimes(cron, 'UTC', first, onTime);
    assert.ok(due1);
    assert.deepEqual(planFire(due1, onTime, 'skip', 60_000), { kind: 'fire', fireAt: first, missed: 0 });
    const late = new Date('2026-01-01T13:30:00Z');
    const due4 = dueTimes(cron, 'UTC', first, late);
    assert.ok(due4);
    assert.deepEqual(planFire(due4, late, 'skip', 60_000), {
      kind: 'missed',
      fireAt: first,
      count: 4,
      more: false,
    });
    assert.deepEqual(planFire(due4, late, 'run-once', 60_000), {
      kind: 'fire',
      fireAt: new Date('2026-01-01T13:00:00Z'),
      missed: 3,
    });
  });
});
