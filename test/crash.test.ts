/** A worker that dies mid-execution never leaves its run "running": the lease runs out and it is marked lost. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { output, registerSshd, startRun, waitForRun } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;

before(async () => {
  [app, sshd] = await Promise.all([
    startTestApp({ worker: false, env: { ORCA_LEASE_TIMEOUT_MS: '3000' } }),
    startSshd(),
  ]);
  await registerSshd(app, sshd, 'h1');
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
});

function startWorkerProcess() {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker', '--concurrency', '2'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      DATABASE_URL: app.database.url,
      ORCA_HOME: app.config.home,
      ORCA_LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
}

test('a worker killed with SIGKILL mid-run: its execution becomes lost and the run finishes', async () => {
  const worker = startWorkerProcess();
  try {
    const run = await startRun(app, 'echo started; sleep 300', ['h1']);
    const deadline = Date.now() + 30_000;
    while (!(await output(app, run.id, run.executions[0]!.id)).includes('started')) {
      if (Date.now() > deadline) throw new Error('the execution never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    worker.kill('SIGKILL');
    const done = await waitForRun(app, run.id, 30_000);
    assert.equal(done.status, 'failed');
    assert.equal(done.executions[0]?.status, 'lost');
    assert.equal(done.executions[0]?.failureKind, 'lost');
  } finally {
    if (worker.exitCode === null) worker.kill('SIGKILL');
  }
});

test('stored output survives a restart of the server', async () => {
  await app.startWorker();
  const run = await startRun(app, 'printf "one\\ntwo\\n"', ['h1']);
  await waitForRun(app, run.id);
  await app.restartServer();
  assert.equal(await output(app, run.id, run.executions[0]!.id), 'one\ntwo\n');
});
