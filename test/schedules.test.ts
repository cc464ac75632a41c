/**
 * The scheduler against a real PostgreSQL with a controllable clock: exactly one run per fire
 * time across two schedulers, overlap and misfire policies, disabled schedules and jobs, and
 * launch failures that are recorded without stopping anything. No worker runs here, so the runs a
 * schedule starts stay queued until a test cancels them.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
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

let app: TestApp;
let credentialId: string;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

before(async () => {
  app = await startTestApp({ worker: false, env: { ORCA_SCHEDULER_INTERVAL_MS: '0' } });
  credentialId = await addPasswordCredential(app, 'pw', 'not-used');
  await addHost(app, { name: 'app-1', port: 1, username: 'nobody', credentialId });
});
after(() => app?.stop());
// Each test's clock runs ahead: the schedules of earlier tests must not fire in later ones.
afterEach(async () => {
  const list = (await (await app.api('/schedules')).json()) as { id: string; enabled: boolean }[];
  for (const s of list.filter((x) => x.enabled))
    await app.api(`/schedules/${s.id}/disable`, { method: 'POST' });
});

let jobs = 0;
async function newJob(): Promise<string> {
  jobs++;
  const job = await createJob(
    app,
    `
name: scheduled-${jobs}
parameters:
  msg: { type: string, default: hi }
targets:
  hosts: [app-1]
steps:
  - name: Echo
    type: exec
    command: echo \${{ parameters.msg }}
`,
  );
  return job.id;
}

const cancel = async (runId: string) => {
  const res = await app.api(`/runs/${runId}/cancel`, { method: 'POST' });
  assert.equal(res.status, 200, await res.text());
};

/** A clock just past the schedule's next fire time. */
async function clockAtNextFire(id: string): Promise<TestClock> {
  const s = await getSchedule(app, id);
  assert.ok(s.nextFireAt);
  return new TestClock(new Date(Date.parse(s.nextFireAt) + 1000));
}

test('two schedulers racing over the same due schedules start exactly one run per fire time', async () => {
  const jobId = await newJob();
  // The schedules' first fire time comes from the real clock: keep their creation inside one
  // minute, so that all eight share it (a loaded machine once crossed the boundary midway).
  const second = new Date().getSeconds();
  if (second >= 45) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
  const ids: string[] = [];
  for (let i = 0; i < 8; i++) {
    ids.push(
      (await createSchedule(app, { name: `race-${i}`, jobId, cron: '* * * * *', overlap: 'allow' })).id,
    );
  }
  const firsts = new Set(await Promise.all(ids.map(async (id) => (await getSchedule(app, id)).nextFireAt)));
  assert.equal(firsts.size, 1, 'all eight schedules share their first fire time');
  const clock = await clockAtNextFire(ids[0] ?? '');
  const a = startTestScheduler(app, clock);
  const b = startTestScheduler(app, clock);
  try {
    const started: string[] = [];
    for (let minute = 0; minute < 4; minute++) {
      const results = await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      for (const r of results) started.push(...r.started);
      clock.advance(MINUTE);
    }
    assert.equal(started.length, 8 * 4);
    assert.equal(new Set(started).size, 8 * 4);
    assert.equal(await countRuns(app, jobId), 8 * 4);
    for (const id of ids) {
      const history = await fires(app, id);
      assert.equal(history.length, 4);
      assert.equal(new Set(history.map((f) => f.fireAt)).size, 4);
      assert.ok(history.every((f) => f.status === 'started' && f.run));
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

describe('overlap', () => {
  test('skip: a fire while the previous run is still queued is recorded as skipped', async () => {
    const jobId = await newJob();
    const s = await createSchedule(app, { name: 'overlap-skip', jobId, cron: '0 * * * *', overlap: 'skip' });
    const clock = await clockAtNextFire(s.id);
    const sch = startTestScheduler(app, clock);
    try {
      const first = await sch.tick();
      assert.equal(first.started.length, 1);
      clock.advance(HOUR);
      assert.equal((await sch.tick()).started.length, 0);
      await cancel(first.started[0] ?? '');
      clock.advance(HOUR);
      assert.equal((await sch.tick()).started.length, 1);
      const history = await fires(app, s.id);
      assert.deepEqual(
        history.map((f) => f.status),
        ['started', 'skipped', 'started'],
      );
      assert.match(history[1]?.message ?? '', /previous run .* is still queued/);
      assert.equal(await countRuns(app, jobId), 2);
    } finally {
      await sch.close();
    }
  });

  test('queue: a fire waits for the previous run, starts when it ends; one waits at most', async () => {
    const jobId = await newJob();
    const s = await createSchedule(app, {
      name: 'overlap-queue',
      jobId,
      cron: '0 * * * *',
      overlap: 'queue',
    });
    const clock = await clockAtNextFire(s.id);
    const sch = startTestScheduler(app, clock);
    try {
      const first = await sch.tick();
      assert.equal(first.started.length, 1);
      clock.advance(HOUR);
      assert.equal((await sch.tick()).started.length, 0);
      clock.advance(HOUR);
      assert.equal((await sch.tick()).started.length, 0);
      assert.deepEqual(
        (await fires(app, s.id)).map((f) => f.status),
        ['started', 'waiting', 'skipped'],
      );
      // still running: ticks without a new fire time change nothing
      assert.equal((await sch.tick()).started.length, 0);
      await cancel(first.started[0] ?? '');
      const next = await sch.tick();
      assert.equal(next.started.length, 1);
      const history = await fires(app, s.id);
      assert.deepEqual(
        history.map((f) => f.status),
        ['started', 'started', 'skipped'],
      );
      assert.equal(history[1]?.run?.id, next.started[0]);
      assert.equal((await getSchedule(app, s.id)).lastRun?.id, next.started[0]);
      assert.equal(await countRuns(app, jobId), 2);
    } finally {
      await sch.close();
    }
  });

  test('allow: every fire starts a run, whatever is still going', async () => {
    const jobId = await newJob();
    const s = await createSchedule(app, {
      name: 'overlap-allow',
      jobId,
      cron: '0 * * * *',
      overlap: 'allow',
    });
    const clock = await clockAtNextFire(s.id);
    const sch = startTestScheduler(app, clock);
    try {
      for (let i = 0; i < 3; i++) {
        assert.equal((await sch.tick()).started.length, 1);
        clock.advance(HOUR);
      }
      assert.equal(await countRuns(app, jobId), 3);
    } finally {
      await sch.close();
    }
  });
});

describe('misfire after downtime', () => {
  test('skip: the missed times are one note, no run, and the next future time fires', async () => {
    const jobId = await newJob();
    const s = await createSchedule(app, { name: 'misfire-skip', jobId, cron: '0 * * * *', misfire: 'skip' });
    const clock = await clockAtNextFire(s.id);
    clock.advance(5 * HOUR + 30 * MINUTE);
    const sch = startTestScheduler(app, clock);
    try {
      assert.equal((await sch.tick()).started.length, 0);
      const [missed, ...rest] = await fires(app, s.id);
      assert.equal(rest.length, 0);
      assert.equal(missed?.status, 'missed');
      assert.match(missed?.message ?? '', /missed 6 fire times/);
      const after = await getSchedule(app, s.id);
      assert.ok(Date.parse(after.nextFireAt ?? '') > clock.now().getTime());
      assert.equal(await countRuns(app, jobId), 0);
      clock.set(new Date(Date.parse(after.nextFireAt ?? '') + 1000));
      assert.equal((await sch.tick()).started.length, 1);
    } finally {
      await sch.close();
    }
  });

  test('run-once: one run for all the missed times', async () => {
    const jobId = await newJob();
    const s = await createSchedule(app, {
      name: 'misfire-once',
      jobId,
      cron: '0 * * * *',
      misfire: 'run-once',
    });
    const clock = await clockAtNextFire(s.id);
    clock.advance(5 * HOUR + 30 * MINUTE);
    const sch = startTestScheduler(app, clock);
    try {
      assert.equal((await sch.tick()).started.length, 1);
      assert.equal((await sch.tick()).started.length, 0);
      const history = await fires(app, s.id);
      assert.equal(history.length, 1);
      assert.equal(history[0]?.status, 'started');
      assert.match(history[0]?.message ?? '', /one run for 6 fire times/);
      assert.equal(await countRuns(app, jobId), 1);
      assert.ok(Date.parse((await getSchedule(app, s.id)).nextFireAt ?? '') > clock.now().getTime());
    } finally {
      await sch.close();
    }
  });
});

test('a disabled schedule and a schedule of an inactive job do not fire', async () => {
  const jobId = await newJob();
  const off = await createSchedule(app, { name: 'disabled', jobId, cron: '0 * * * *' });
  const inactive = await createSchedule(app, { name: 'inactive-job', jobId, cron: '0 * * * *' });
  const clock = await clockAtNextFire(off.id);
  const res = await app.api(`/schedules/${off.id}/disable`, { method: 'POST' });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { nextFireAt: unknown }).nextFireAt, null);
  const deactivate = await app.api(`/jobs/${jobId}`, { method: 'PATCH', body: { active: false } });
  assert.equal(deactivate.status, 200, await deactivate.text());
  const sch = startTestScheduler(app, clock);
  try {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await sch.tick(), { started: [], failed: 0, recorded: 0 });
      clock.advance(HOUR);
    }
    assert.equal(await countRuns(app, jobId), 0);
    assert.deepEqual(await fires(app, off.id), []);
    assert.deepEqual(await fires(app, inactive.id), []);
    // the inactive job's schedule moved on, so reactivating does not catch up the past hours
    assert.ok(
      Date.parse((await getSchedule(app, inactive.id)).nextFireAt ?? '') > clock.now().getTime() - HOUR,
    );
  } finally {
    await sch.close();
  }
});

test('a fire whose launch fails is recorded with the reason, and the next fire still runs', async () => {
  const jobId = await newJob();
  const host = await addHost(app, { name: 'gone-1', port: 1, username: 'nobody', credentialId });
  const s = await createSchedule(app, {
    name: 'launch-fails',
    jobId,
    cron: '0 * * * *',
    targets: { hosts: ['gone-1'] },
  });
  const other = await createSchedule(app, {
    name: 'launch-fine',
    jobId,
    cron: '0 * * * *',
    overlap: 'allow',
  });
  const removed = await app.api(`/hosts/${host.id}`, { method: 'DELETE' });
  assert.equal(removed.status, 204, await removed.text());
  const clock = await clockAtNextFire(s.id);
  const sch = startTestScheduler(app, clock);
  try {
    const first = await sch.tick();
    assert.equal(first.failed, 1);
    assert.equal(first.started.length, 1, 'the other schedule fired in the same tick');
    const [failed] = await fires(app, s.id);
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.message ?? '', /no host matches gone-1/);
    await addHost(app, { name: 'gone-1', port: 1, username: 'nobody', credentialId });
    clock.advance(HOUR);
    const second = await sch.tick();
    assert.equal(second.failed, 0);
    assert.equal(second.started.length, 2);
    assert.deepEqual(
      (await fires(app, s.id)).map((f) => f.status),
      ['failed', 'started'],
    );
    assert.deepEqual(
      (await fires(app, other.id)).map((f) => f.status),
      ['started', 'started'],
    );
  } finally {
    await sch.close();
  }
});

test('the runs a schedule starts take its priority; a priority out of range is refused by name', async () => {
  const jobId = await newJob();
  const bad = await app.api('/schedules', {
    body: { name: 'too-high', jobId, cron: '0 * * * *', priority: 101 },
  });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /priority/);
  const s = await createSchedule(app, { name: 'urgent', jobId, cron: '0 * * * *', priority: 40 });
  assert.equal((s as unknown as { priority: number }).priority, 40);
  const sch = startTestScheduler(app, await clockAtNextFire(s.id));
  try {
    const { started } = await sch.tick();
    assert.equal(started.length, 1);
    const run = (await (await app.api(`/runs/${started[0]}`)).json()) as { priority: number };
    assert.equal(run.priority, 40);
    await cancel(started[0]!);
  } finally {
    await sch.close();
  }
  const patched = await app.api(`/schedules/${s.id}`, { method: 'PATCH', body: { priority: -5 } });
  assert.equal(((await patched.json()) as { priority: number }).priority, -5);
});
