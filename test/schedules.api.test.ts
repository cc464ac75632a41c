/**
 * The schedules API: checks at save time, secrets never shown, the fire-time preview, history
 * with run links; and DST days stepped through by a scheduler with a controllable clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVERY_PROJECT } from '../src/domain/projects.ts';
import { createSchedule as saveSchedule } from '../src/scheduler/definitions.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { addHost, addPasswordCredential } from './support/fleet.ts';
import { createJob } from './support/jobs.ts';
import {
  countRuns,
  createSchedule,
  fires,
  getSchedule,
  startTestScheduler,
  TestClock,
} from './support/schedules.ts';
import { tokenFor } from './support/users.ts';

let app: TestApp;
let jobId: string;

before(async () => {
  app = await startTestApp({ worker: false, env: { ORCA_SCHEDULER_INTERVAL_MS: '0' } });
  const credentialId = await addPasswordCredential(app, 'pw', 'not-used');
  await addHost(app, { name: 'db-1', port: 1, username: 'nobody', credentialId });
  jobId = (
    await createJob(
      app,
      `
name: backup
parameters:
  keep: { type: integer, default: 7 }
  password: { type: secret }
targets:
  hosts: [db-1]
steps:
  - name: Dump
    type: exec
    command: echo \${{ parameters.keep }}
`,
    )
  ).id;
});
after(() => app?.stop());

const errorOf = async (res: Response) => {
  const body = (await res.json()) as {
    error: { code: string; message: string; details: { path: string }[] };
  };
  return { status: res.status, paths: body.error.details.map((d) => d.path), message: body.error.message };
};

describe('saving', () => {
  test('bad cron, time zone, parameters, version and targets are refused, naming the field, writing nothing', async () => {
    const base = { name: 'bad', jobId, cron: '0 3 * * *' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, cron: 'every night' }, 'body.cron'],
      [{ ...base, cron: '0 25 * * *' }, 'body.cron'],
      [{ ...base, timeZone: 'Europe/Atlantis' }, 'body.timeZone'],
      [{ ...base, parameters: { keep: 'seven' } }, 'parameters.keep'],
      [{ ...base, parameters: { nope: 1 } }, 'parameters.nope'],
      [{ ...base, version: 9 }, 'body.version'],
      [{ ...base, targets: { hosts: ['web-9'] } }, 'body.targets.hosts'],
      [{ ...base, targets: { selector: 'tag:nothing-has-this' } }, 'body.targets.selector'],
      [{ ...base, targets: { selector: 'tag:web and' } }, 'body.targets.selector'],
    ];
    for (const [body, path] of cases) {
      const e = await errorOf(await app.api('/schedules', { body }));
      assert.equal(e.status, 400, JSON.stringify(body));
      assert.ok(e.paths.includes(path), `${JSON.stringify(body)} → ${e.paths.join(', ')}`);
    }
    assert.deepEqual(await (await app.api('/schedules')).json(), []);
  });

  test('a selector target is kept and resolved like a launch', async () => {
    await app.api('/hosts/bulk', { body: { action: 'tag', tags: ['backup'], hosts: ['db-1'] } });
    const s = await createSchedule(app, {
      name: 'by-selector',
      jobId,
      cron: '0 4 * * *',
      targets: { selector: 'tag:backup' },
    });
    assert.deepEqual((s as unknown as { targets: unknown }).targets, { selector: 'tag:backup' });
    assert.equal((await app.api(`/schedules/${s.id}`, { method: 'DELETE' })).status, 204);
  });

  test('secret values are sealed and shown as ***; editing with *** keeps them', async () => {
    const s = await createSchedule(app, {
      name: 'nightly-backup',
      jobId,
      cron: '0 3 * * *',
      timeZone: 'Europe/Berlin',
      parameters: { keep: 3, password: 'hunter2-secret' },
    });
    assert.deepEqual(s.parameters, { keep: 3, password: '***' });
    const raw = await app.database.handle.db
      .selectFrom('schedules')
      .selectAll()
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(raw.parameters).includes('hunter2'));
    assert.ok(!raw.secret_parameters?.toString('latin1').includes('hunter2'));
    const listed = await (await app.api('/schedules')).text();
    assert.ok(!listed.includes('hunter2'));
    const patched = await app.api(`/schedules/${s.id}`, {
      method: 'PATCH',
      body: { parameters: { keep: 4, password: '***' } },
    });
    assert.equal(patched.status, 200, await patched.clone().text());
    assert.deepEqual(((await patched.json()) as { parameters: unknown }).parameters, {
      keep: 4,
      password: '***',
    });
    // the run it starts gets the stored secret
    const clock = new TestClock(new Date(Date.parse((await getSchedule(app, s.id)).nextFireAt ?? '') + 1000));
    const sch = startTestScheduler(app, clock);
    try {
      const { started } = await sch.tick();
      const run = await app.database.handle.db
        .selectFrom('runs')
        .selectAll()
        .where('id', '=', started[0] ?? '')
        .executeTakeFirstOrThrow();
      const secrets = JSON.parse(
        app.vault.open(
          { keyId: run.secret_key_id ?? '', data: run.secret_parameters as Buffer },
          `run-parameters:${run.id}`,
        ),
      );
      assert.deepEqual(secrets, { password: 'hunter2-secret' });
      assert.deepEqual(run.parameters, { keep: 4 });
      const history = await (await app.api(`/schedules/${s.id}/fires`)).json();
      assert.deepEqual(
        (history as { status: string; run: { id: string } }[]).map((f) => [f.status, f.run.id]),
        [['started', run.id]],
      );
      const shown = await getSchedule(app, s.id);
      assert.equal(shown.lastRun?.id, run.id);
      assert.ok(Date.parse(shown.nextFireAt ?? '') > clock.now().getTime());
    } finally {
      await sch.close();
      await app.api(`/schedules/${s.id}`, { method: 'DELETE' });
    }
  });

  test('names are unique; enable, disable and delete', async () => {
    const s = await createSchedule(app, { name: 'twice', jobId, cron: '@daily' });
    const again = await app.api('/schedules', { body: { name: 'twice', jobId, cron: '@daily' } });
    assert.equal(again.status, 409);
    const off = (await (await app.api(`/schedules/${s.id}/disable`, { method: 'POST' })).json()) as {
      enabled: boolean;
      nextFireAt: string | null;
    };
    assert.deepEqual([off.enabled, off.nextFireAt], [false, null]);
    const on = (await (await app.api(`/schedules/${s.id}/enable`, { method: 'POST' })).json()) as {
      enabled: boolean;
      nextFireAt: string;
    };
    assert.equal(on.enabled, true);
    assert.ok(on.nextFireAt.endsWith('T00:00:00.000Z'));
    assert.equal((await app.api(`/schedules/${s.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await app.api(`/schedules/${s.id}`)).status, 404);
  });
});

test('viewers see schedules and their fires but cannot change them', async () => {
  const _db = app.database.handle.db;
  const token = await tokenFor(app, 'vic', 'viewer');
  const s = await createSchedule(app, { name: 'viewed', jobId, cron: '@daily' });
  assert.equal((await app.api('/schedules', { token })).status, 200);
  assert.equal((await app.api(`/schedules/${s.id}`, { token })).status, 200);
  assert.equal((await app.api(`/schedules/${s.id}/fires`, { token })).status, 200);
  assert.equal((await app.api('/schedules/preview', { body: { cron: '@daily' }, token })).status, 200);
  const writes: [string, string, unknown][] = [
    ['POST', '/schedules', { name: 'nope', jobId, cron: '@daily' }],
    ['PATCH', `/schedules/${s.id}`, { cron: '@hourly' }],
    ['POST', `/schedules/${s.id}/disable`, undefined],
    ['POST', `/schedules/${s.id}/enable`, undefined],
    ['DELETE', `/schedules/${s.id}`, undefined],
  ];
  for (const [method, path, body] of writes) {
    assert.equal((await app.api(path, { method, body, token })).status, 403, `${method} ${path}`);
  }
  const after = await getSchedule(app, s.id);
  assert.deepEqual([after.enabled, after.name], [true, 'viewed']);
  await app.api(`/schedules/${s.id}`, { method: 'DELETE' });
});

test('preview gives the next five fire times by default, in the time zone asked for', async () => {
  const res = await app.api('/schedules/preview', { body: { cron: '30 2 * * *', timeZone: 'Asia/Kolkata' } });
  assert.equal(res.status, 200);
  const { fireTimes } = (await res.json()) as { fireTimes: string[] };
  assert.equal(fireTimes.length, 5);
  // 02:30 IST is 21:00 UTC the day before
  assert.ok(fireTimes.every((t) => t.endsWith('T21:00:00.000Z')));
  const three = (await (
    await app.api('/schedules/preview', { body: { cron: '@hourly', count: 3 } })
  ).json()) as {
    fireTimes: string[];
  };
  assert.equal(three.fireTimes.length, 3);
  const bad = await errorOf(
    await app.api('/schedules/preview', { body: { cron: '* * *', timeZone: 'UTC' } }),
  );
  assert.deepEqual([bad.status, bad.paths], [400, ['body.cron']]);
  const zone = await errorOf(
    await app.api('/schedules/preview', { body: { cron: '* * * * *', timeZone: 'Nowhere' } }),
  );
  assert.deepEqual([zone.status, zone.paths], [400, ['body.timeZone']]);
});

describe('DST, stepped through by the scheduler', () => {
  /** Creates a schedule as of `from`, ticks every 5 minutes to `to`; returns the fire times. */
  async function fireTimes(name: string, cron: string, timeZone: string, from: string, to: string) {
    const id = await saveSchedule(
      app.database.handle.db,
      app.vault,
      EVERY_PROJECT,
      { name, jobId, cron, timeZone, overlap: 'allow', parameters: { keep: 1 } },
      null,
      new Date(from),
    );
    const clock = new TestClock(new Date(from));
    const sch = startTestScheduler(app, clock, { misfireGraceMs: 10 * 60_000 });
    try {
      while (clock.now().getTime() <= Date.parse(to)) {
        await sch.tick();
        clock.advance(5 * 60_000);
      }
    } finally {
      await sch.close();
      await app.api(`/schedules/${id}/disable`, { method: 'POST' });
    }
    const history = await fires(app, id);
    assert.ok(history.every((f) => f.status === 'started'));
    return history.map((f) => f.fireAt);
  }

  test('a 02:30 Europe/Berlin job runs once on the spring-forward day (at 03:00 CEST)', async () => {
    const before = await countRuns(app, jobId);
    const times = await fireTimes(
      'dst-spring',
      '30 2 * * *',
      'Europe/Berlin',
      '2027-03-27T22:00:00Z',
      '2027-03-28T04:00:00Z',
    );
    assert.deepEqual(times, ['2027-03-28T01:00:00.000Z']);
    assert.equal((await countRuns(app, jobId)) - before, 1);
  });

  test('a 01:30 America/New_York job runs once on the fall-back day (the first 01:30)', async () => {
    const times = await fireTimes(
      'dst-fall',
      '30 1 * * *',
      'America/New_York',
      '2027-11-07T03:00:00Z',
      '2027-11-07T09:00:00Z',
    );
    assert.deepEqual(times, ['2027-11-07T05:30:00.000Z']);
  });
});
