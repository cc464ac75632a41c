/** A schedule fires in a running server (its own scheduler loop) and the run executes on a real sshd host. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createJob, type JobFleet, startJobFleet, stepOutput, waitForJobRun } from './support/jobs.ts';
import { createSchedule, fires } from './support/schedules.ts';

let fleet: JobFleet;
before(async () => {
  fleet = await startJobFleet();
});
after(() => fleet?.stop());

test('a scheduled run executes on the host', async () => {
  const { app } = fleet;
  const job = await createJob(
    app,
    `
name: heartbeat
parameters:
  word: { type: string, default: tick }
steps:
  - name: Say
    type: exec
    command: echo scheduled-\${{ parameters.word }}
`,
  );
  const s = await createSchedule(app, {
    name: 'every-second',
    jobId: job.id,
    cron: '* * * * * *',
    targets: { hosts: ['web-1'] },
    parameters: { word: 'tock' },
    overlap: 'skip',
  });
  let started: { run: { id: string } | null } | undefined;
  for (let i = 0; i < 100 && !started; i++) {
    started = (await fires(app, s.id)).find((f) => f.run);
    if (!started) await new Promise((r) => setTimeout(r, 100));
  }
  await app.api(`/schedules/${s.id}/disable`, { method: 'POST' });
  assert.ok(started?.run, 'the server’s scheduler started a run');
  const run = await waitForJobRun(app, started.run.id);
  assert.equal(run.status, 'succeeded');
  const execution = run.executions[0];
  assert.equal(execution?.hostName, 'web-1');
  assert.match(await stepOutput(app, run.id, execution?.id ?? '', 0), /scheduled-tock/);
});
