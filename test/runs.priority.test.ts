/**
 * Run priority with a saturated worker (concurrency 1) on a real sshd host: what waits starts in
 * priority order, higher first, and in creation order within one priority.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { type RunView, registerSshd, waitForRun } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;

before(async () => {
  [app, sshd] = await Promise.all([startTestApp({ worker: false }), startSshd()]);
  await registerSshd(app, sshd, 'web-1');
  await app.startWorker(1);
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
});

async function run(command: string, priority?: number): Promise<RunView & { priority: number }> {
  const res = await app.api('/runs', {
    body: { command, targets: { hosts: ['web-1'] }, ...(priority !== undefined && { priority }) },
  });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text) as RunView & { priority: number };
}

test('with the worker busy, waiting runs start highest priority first', async () => {
  const blocker = await run('sleep 2');
  const deadline = Date.now() + 20_000;
  for (;;) {
    const b = (await (await app.api(`/runs/${blocker.id}`)).json()) as RunView;
    if (b.executions[0]?.status === 'running') break;
    if (Date.now() > deadline) throw new Error('the blocker never started');
    await new Promise((r) => setTimeout(r, 50));
  }
  const low = await run('echo low', -10);
  const normal = await run('echo normal');
  const high = await run('echo high', 50);
  const high2 = await run('echo high2', 50);
  assert.deepEqual([low.priority, normal.priority, high.priority], [-10, 0, 50]);

  const started: [string, number][] = [];
  for (const [name, r] of [
    ['low', low],
    ['normal', normal],
    ['high', high],
    ['high2', high2],
  ] as const) {
    const done = (await waitForRun(app, r.id)) as RunView & { executions: { startedAt: string }[] };
    assert.equal(done.status, 'succeeded');
    started.push([name, Date.parse(done.executions[0]!.startedAt)]);
  }
  assert.deepEqual(
    started.sort((a, b) => a[1] - b[1]).map(([name]) => name),
    ['high', 'high2', 'normal', 'low'],
  );
});

test('priority is checked, kept by retries and shown on the run', async () => {
  const bad = await app.api('/runs', {
    body: { command: 'true', targets: { hosts: ['web-1'] }, priority: 101 },
  });
  assert.equal(bad.status, 400);
  const error = ((await bad.json()) as { error: { details: { path: string }[] } }).error;
  assert.ok(error.details.some((d) => d.path === 'body.priority'));
  const r = await run('exit 1', 7);
  await waitForRun(app, r.id);
  const retried = (await (await app.api(`/runs/${r.id}/retry`, { body: {} })).json()) as { priority: number };
  assert.equal(retried.priority, 7);
  const listed = (await (await app.api('/runs?limit=5')).json()) as { id: string; priority: number }[];
  assert.equal(listed.find((x) => x.id === r.id)?.priority, 7);
});
