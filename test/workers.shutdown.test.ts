/**
 * Graceful shutdown of a real worker process against a real sshd: on SIGTERM it claims nothing
 * more, lets running executions finish within its grace period, hands back what is left (the
 * remote process killed) and exits 0; a second SIGTERM ends the grace period at once.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from './support/app.ts';
import { output, type RunView, registerSshd, startRun, waitForRun } from './support/fleet.ts';
import { createJob, events, launch, waitForJobRun } from './support/jobs.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';
import { eventually, spawnWorker, type WorkerProcess } from './support/worker-process.ts';

const run = promisify(execFile);
let app: TestApp;
let sshd: SshdHandle;
const started: WorkerProcess[] = [];
const marker = `/tmp/orca-handback-${randomUUID()}`;

before(async () => {
  [app, sshd] = await Promise.all([startTestApp({ worker: false }), startSshd()]);
  await registerSshd(app, sshd, 'h1');
  await registerSshd(app, sshd, 'h2');
});
after(async () => {
  for (const w of started) w.kill('SIGKILL');
  await app?.stop();
  await sshd?.stop();
  await rm(marker, { recursive: true, force: true });
});

async function worker(graceSeconds: number): Promise<WorkerProcess> {
  const w = await spawnWorker(app, ['--concurrency', '2'], { ORCA_WORKER_GRACE_S: String(graceSeconds) });
  started.push(w);
  return w;
}

interface WorkerRow {
  id: string;
  state: string;
}
const workerState = async (id: string) =>
  ((await (await app.api('/workers')).json()) as WorkerRow[]).find((w) => w.id === id)?.state;

const getRun = async (id: string) => (await (await app.api(`/runs/${id}`)).json()) as RunView;
const workerOf = (r: RunView) => (r.executions[0] as unknown as { workerId: string | null }).workerId;

async function until(what: string, runId: string, text: string): Promise<void> {
  await eventually(what, async () =>
    (await output(app, runId, (await getRun(runId)).executions[0]!.id)).includes(text) ? true : undefined,
  );
}

/** The remote processes whose command line matches `pattern` (bracket one character of it). */
async function remote(pattern: string): Promise<string> {
  return (await run('sh', ['-c', `pgrep -f "${pattern}" || true`])).stdout.trim();
}

test('SIGTERM while a short command runs: it finishes, nothing new is claimed, the worker exits 0', async () => {
  const w = await worker(60);
  const short = await startRun(app, 'echo started; sleep 2; echo finished', ['h1']);
  await until('the short command to start', short.id, 'started');
  w.kill('SIGTERM');
  await eventually('the worker to be stopping', async () =>
    (await workerState(w.id)) === 'stopping' ? true : undefined,
  );
  const later = await startRun(app, 'echo later', ['h2']);
  assert.equal(await w.exited, 0, w.stderr());

  const done = await getRun(short.id);
  assert.equal(done.status, 'succeeded');
  assert.equal(workerOf(done), w.id);
  assert.equal(await output(app, short.id, done.executions[0]!.id), 'started\nfinished\n');
  assert.equal(await workerState(w.id), 'stopped');
  // Launched after the SIGTERM: not taken by the stopping worker; it waits for the next one.
  const waiting = await getRun(later.id);
  assert.deepEqual(
    [waiting.status, waiting.executions[0]?.status, workerOf(waiting)],
    ['queued', 'queued', null],
  );
  const status = (await (await app.api('/executor/status')).json()) as { running: number; queued: number };
  assert.deepEqual([status.running, status.queued], [0, 1]);

  const next = await worker(60);
  const drained = await waitForRun(app, later.id);
  assert.equal(drained.status, 'succeeded');
  assert.equal(workerOf(drained), next.id);
  next.kill('SIGTERM');
  assert.equal(await next.exited, 0, next.stderr());
});

test('SIGTERM with a short grace: a long command is killed, handed back and completed by another worker', async () => {
  const w = await worker(1);
  // The first attempt creates the marker and sleeps; the attempt after the hand-back finds it.
  const long = await startRun(
    app,
    `echo attempt; if mkdir ${marker} 2>/dev/null; then sleep 302.5; fi; echo done`,
    ['h1'],
  );
  await until('the long command to start', long.id, 'attempt');
  assert.notEqual(await remote('sleep 30[2].5'), '');
  w.kill('SIGTERM');
  // Well inside the remote sleep: the worker stopped it rather than waiting for it.
  const code = await Promise.race([
    w.exited,
    new Promise((r) => setTimeout(() => r('still running'), 60_000)),
  ]);
  assert.equal(code, 0, w.stderr());
  await eventually('the remote sleep to be killed', async () =>
    (await remote('sleep 30[2].5')) === '' ? true : undefined,
  );
  const handedBack = await getRun(long.id);
  assert.deepEqual(
    [handedBack.status, handedBack.executions[0]?.status, workerOf(handedBack)],
    ['queued', 'queued', null],
  );

  const next = await worker(60);
  const done = await waitForRun(app, long.id);
  assert.equal(done.status, 'succeeded');
  assert.equal(workerOf(done), next.id);
  assert.equal(await output(app, long.id, done.executions[0]!.id), 'attempt\nattempt\ndone\n');
  const log = await events(app, long.id, done.executions[0]!.id);
  assert.ok(
    log.some((e) => e.kind === 'system' && /stopped because the worker shut down/.test(e.data)),
    JSON.stringify(log),
  );
  next.kill('SIGTERM');
  assert.equal(await next.exited, 0, next.stderr());
});

test('a second SIGTERM ends the grace at once; a running exec step that may not rerun ends lost', async () => {
  const w = await worker(3600);
  const job = await createJob(
    app,
    `
name: NoRerun
steps:
  - { name: Quick, type: exec, command: echo quick }
  - { name: Slow, type: exec, command: 'echo begin; sleep 303.5' }
`,
  );
  const r = await launch(app, job.id, { targets: { hosts: ['h2'] } });
  await until('the slow step to start', r.id, 'begin');
  w.kill('SIGTERM');
  await eventually('the worker to be stopping', async () =>
    (await workerState(w.id)) === 'stopping' ? true : undefined,
  );
  w.kill('SIGTERM');
  const code = await Promise.race([
    w.exited,
    new Promise((res) => setTimeout(() => res('still running'), 60_000)),
  ]);
  assert.equal(code, 0, w.stderr());
  await eventually('the remote sleep to be killed', async () =>
    (await remote('sleep 30[3].5')) === '' ? true : undefined,
  );
  const done = await waitForJobRun(app, r.id, 30_000);
  assert.equal(done.status, 'failed');
  const e = done.executions[0]!;
  assert.deepEqual([e.status, e.failureKind], ['lost', 'lost']);
  assert.deepEqual(
    e.steps.map((s) => [s.id, s.status]),
    [
      ['quick', 'succeeded'],
      ['slow', 'canceled'],
    ],
  );
});
