/** Job run strategies on real sshd hosts: batches and failure thresholds, stepFirst, maxParallel, one run per host. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestApp } from './support/app.ts';
import {
  byHost,
  createJob,
  events,
  type JobFleet,
  launch,
  startJobFleet,
  stepOutput,
  waitForJobRun,
} from './support/jobs.ts';

let fleet: JobFleet;
let app: TestApp;

before(async () => {
  fleet = await startJobFleet();
  ({ app } = fleet);
});
after(() => fleet?.stop());

test('rolling batches stop at the failure threshold and skip the hosts that had not begun', async () => {
  const job = await createJob(
    app,
    `
name: Rolling
strategy: { batchSize: 1, maxFailures: 0 }
steps:
  - { name: Hello, type: exec, command: echo hello }
`,
  );
  const r = await launch(app, job.id, { targets: { hosts: ['bad-1', 'web-1', 'web-2'] } });
  const done = await waitForJobRun(app, r.id);
  assert.equal(done.status, 'failed');
  const by = byHost(done.executions);
  assert.equal(by['bad-1']?.status, 'failed');
  assert.equal(by['bad-1']?.failureKind, 'auth');
  assert.equal(by['web-1']?.status, 'skipped');
  assert.equal(by['web-2']?.status, 'skipped');
  assert.match(by['web-1']?.failureMessage ?? '', /maxFailures/);
  assert.deepEqual(
    done.executions.map((e) => e.batch),
    [0, 1, 2],
  );
  assert.equal(done.counts.skipped, 2);
  assert.deepEqual(by['web-1']?.steps, []);

  // Tolerating one failure, the later batches run.
  const tolerant = await createJob(
    app,
    `
name: Rolling tolerant
strategy: { batchSize: 2, maxFailures: 1 }
steps:
  - { name: Hello, type: exec, command: echo hello }
`,
  );
  const t = await waitForJobRun(
    app,
    (await launch(app, tolerant.id, { targets: { hosts: ['bad-1', 'web-1', 'web-2'] } })).id,
  );
  assert.deepEqual(
    t.executions.map((e) => [e.hostName, e.status, e.batch]),
    [
      ['bad-1', 'failed', 0],
      ['web-1', 'succeeded', 0],
      ['web-2', 'succeeded', 1],
    ],
  );
  // A later batch starts only after the one before it ended.
  const b0 = t.executions.filter((e) => e.batch === 0).map((e) => Date.parse(e.finishedAt ?? ''));
  const b1 = Date.parse(t.executions.find((e) => e.batch === 1)?.startedAt ?? '');
  assert.ok(b1 >= Math.max(...b0));
});

test('stepFirst runs each step on every host before the next step starts anywhere', async () => {
  const job = await createJob(
    app,
    `
name: Step first
strategy: { order: stepFirst }
steps:
  - { name: One, type: exec, command: 'sleep 0.3; echo one' }
  - { name: Two, type: exec, command: echo two }
  - { name: Three, type: exec, command: echo three }
`,
  );
  const done = await waitForJobRun(
    app,
    (await launch(app, job.id, { targets: { hosts: ['web-1', 'web-2'] } })).id,
  );
  assert.equal(done.status, 'succeeded', JSON.stringify(done.executions));
  for (let step = 1; step < 3; step++) {
    const prevEnd = Math.max(...done.executions.map((e) => Date.parse(e.steps[step - 1]?.finishedAt ?? '')));
    const nextStart = Math.min(...done.executions.map((e) => Date.parse(e.steps[step]?.startedAt ?? '')));
    assert.ok(nextStart >= prevEnd, `step ${step} began before step ${step - 1} ended everywhere`);
  }
  for (const e of done.executions) {
    assert.equal(await stepOutput(app, done.id, e.id, 2), 'three\n');
    const statuses = (await events(app, done.id, e.id)).filter((x) => x.kind === 'status');
    assert.equal(statuses.length, 2, 'one running and one final status, however many tasks');
  }
});

test('maxParallel 1 runs one host at a time', async () => {
  const job = await createJob(
    app,
    `
name: One at a time
strategy: { maxParallel: 1 }
steps:
  - { name: Nap, type: exec, command: 'sleep 0.2' }
`,
  );
  const done = await waitForJobRun(
    app,
    (await launch(app, job.id, { targets: { hosts: ['web-1', 'web-2'] } })).id,
  );
  const [a, b] = [...done.executions].sort(
    (x, y) => Date.parse(x.startedAt ?? '') - Date.parse(y.startedAt ?? ''),
  );
  assert.ok(Date.parse(b?.startedAt ?? '') >= Date.parse(a?.finishedAt ?? ''));
});

test('two runs of a job never execute on one host at once', async () => {
  const job = await createJob(
    app,
    `
name: Exclusive
steps:
  - { name: Hold, type: exec, command: 'sleep 1; echo held' }
`,
  );
  const first = await launch(app, job.id, { targets: { hosts: ['web-1'] } });
  const second = await launch(app, job.id, { targets: { hosts: ['web-1'] } });
  const [a, b] = [await waitForJobRun(app, first.id), await waitForJobRun(app, second.id)];
  assert.equal(a.status, 'succeeded');
  assert.equal(b.status, 'succeeded');
  const ea = a.executions[0]!;
  const eb = b.executions[0]!;
  const [early, late] =
    Date.parse(ea.startedAt ?? '') <= Date.parse(eb.startedAt ?? '') ? [ea, eb] : [eb, ea];
  assert.ok(Date.parse(late.steps[0]?.startedAt ?? '') >= Date.parse(early.finishedAt ?? ''));
  const waited = late === eb ? second.id : first.id;
  const log = await events(app, waited, late.id);
  assert.ok(log.some((e) => e.kind === 'system' && /waiting: web-1 is busy/.test(e.data)));
});
