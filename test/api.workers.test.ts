/** Workers and the executor's status through the API, with a real worker and a real sshd host. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { registerSshd, startRun, waitForRun } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;

interface WorkerView {
  id: string;
  concurrency: number;
  running: number;
  state: string;
  version: string;
}
interface Status {
  queued: number;
  pending: number;
  running: number;
  workers: { alive: number; silent: number; capacity: number };
  tasks: Record<string, number>;
}

before(async () => {
  [app, sshd] = await Promise.all([startTestApp({ worker: false }), startSshd()]);
  await registerSshd(app, sshd, 'web-1');
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
});

const workers = async () => (await (await app.api('/workers')).json()) as WorkerView[];
const status = async () => (await (await app.api('/executor/status')).json()) as Status;

test('with no worker, work waits as queue tasks; a worker shows alive with what it runs, then stopped', async () => {
  const waiting = await startRun(app, 'sleep 2; echo done', ['web-1']);
  const idle = await status();
  assert.deepEqual([idle.queued, idle.running, idle.workers.alive, idle.workers.capacity], [1, 0, 0, 0]);
  assert.equal(idle.tasks['orca.execute'], 1);

  const w = await app.startWorker(3);
  const deadline = Date.now() + 20_000;
  let busy: WorkerView | undefined;
  while (Date.now() < deadline) {
    busy = (await workers()).find((x) => x.id === w.id);
    if (busy?.running === 1) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual([busy?.state, busy?.concurrency, busy?.running], ['alive', 3, 1]);
  const s = await status();
  assert.deepEqual([s.queued, s.running, s.workers.alive, s.workers.capacity], [0, 1, 1, 3]);
  assert.equal((await waitForRun(app, waiting.id)).status, 'succeeded');
  await w.stop();
  assert.equal((await workers()).find((x) => x.id === w.id)?.state, 'stopped');
});

test('a worker that stopped heartbeating shows silent', async () => {
  await app.database.handle.db
    .insertInto('workers')
    .values({
      id: 'ghost-1',
      hostname: 'gone.example',
      pid: 4242,
      version: '0.0.0',
      concurrency: 16,
      last_heartbeat_at: new Date(Date.now() - 10 * 60_000),
    })
    .execute();
  const ghost = (await workers()).find((x) => x.id === 'ghost-1');
  assert.equal(ghost?.state, 'silent');
  assert.equal((await status()).workers.silent, 1);
});
