/**
 * Twenty API clients launch runs at once while two real worker processes execute them: every run
 * completes (no deadlock), and every execution ran exactly once — counted on the hosts
 * themselves, where each execution appends its run's token and the host's port to a file.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { registerSshd } from './support/fleet.ts';
import { createJob, type JobRunView, launch } from './support/jobs.ts';
import { waitFor } from './support/orca-processes.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

const CLIENTS = 20;
const RUNS_PER_CLIENT = 3;
const HOSTS = ['h1', 'h2', 'h3'];

let app: TestApp;
let sshds: SshdHandle[];
let dir: string;

before(async () => {
  [app, ...sshds] = await Promise.all([startTestApp({ worker: false }), ...HOSTS.map(() => startSshd())]);
  for (const [i, name] of HOSTS.entries()) await registerSshd(app, sshds[i]!, name);
  // Written by the test user the hosts log in as.
  dir = await mkdtemp(join(tmpdir(), 'orca-once-'));
  await chmod(dir, 0o777);
  await writeFile(join(dir, 'log'), '', { mode: 0o666 });
  await chmod(join(dir, 'log'), 0o666);
});
after(async () => {
  await app?.stop();
  await Promise.all((sshds ?? []).map((s) => s.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

function startWorkerProcess() {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker', '--concurrency', '4'], {
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

async function finished(runId: string): Promise<JobRunView> {
  return waitFor(`run ${runId} to end`, 240_000, async () => {
    await new Promise((r) => setTimeout(r, 300));
    const run = (await (await app.api(`/runs/${runId}`)).json()) as JobRunView;
    return ['succeeded', 'failed', 'canceled'].includes(run.status) ? run : undefined;
  });
}

test('20 concurrent clients launch runs while two workers execute: all complete, each execution runs once', async () => {
  const workers = [startWorkerProcess(), startWorkerProcess()];
  try {
    await waitFor('both workers to register', 120_000, async () => {
      const list = (await (await app.api('/workers')).json()) as { state: string }[];
      return list.filter((w) => w.state === 'alive').length === 2 ? true : undefined;
    });
    const job = await createJob(
      app,
      `
name: Append once
parameters:
  token: { type: string, required: true }
steps:
  - name: Append
    type: exec
    command: echo \${{ parameters.token }} "\${SSH_CONNECTION##* }" >> ${join(dir, 'log')}
`,
    );

    // Each client launches its runs one after another without waiting for them, on a rotating
    // pair of hosts, then waits for all of them.
    const launched: { token: string; hosts: string[]; run: JobRunView }[] = [];
    const runs = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const mine: JobRunView[] = [];
        for (let r = 0; r < RUNS_PER_CLIENT; r++) {
          const token = `c${c}-r${r}`;
          const first = (c + r) % HOSTS.length;
          const hosts = [HOSTS[first]!, HOSTS[(first + 1) % HOSTS.length]!];
          const run = await launch(app, job.id, { parameters: { token }, targets: { hosts } });
          launched.push({ token, hosts, run });
          mine.push(run);
        }
        return Promise.all(mine.map((run) => finished(run.id)));
      }),
    ).then((lists) => lists.flat());

    assert.equal(runs.length, CLIENTS * RUNS_PER_CLIENT);
    for (const run of runs) assert.equal(run.status, 'succeeded', JSON.stringify(run.executions));

    // On the hosts: each (run, host) pair appended exactly once, and nothing else.
    const portOf = Object.fromEntries(HOSTS.map((name, i) => [name, String(sshds[i]!.port)]));
    const expected = launched.flatMap((l) => l.hosts.map((h) => `${l.token} ${portOf[h]}`)).sort();
    const lines = (await readFile(join(dir, 'log'), 'utf8')).split('\n').filter(Boolean).sort();
    assert.deepEqual(lines, expected);

    // In the database: one attempt of the step, one worker, one start per execution.
    const executionIds = runs.flatMap((r) => r.executions.map((e) => e.id));
    assert.equal(executionIds.length, expected.length);
    for (const run of runs) {
      for (const e of run.executions) {
        assert.equal(e.steps.length, 1);
        assert.equal(e.steps[0]?.attempts, 1, `execution ${e.id} took ${e.steps[0]?.attempts} attempts`);
      }
    }
    const db = app.database.handle.db;
    const rows = await db
      .selectFrom('executions')
      .select(['id', 'worker_id', 'status'])
      .where('id', 'in', executionIds)
      .execute();
    const workerIds = new Set(rows.map((r) => r.worker_id));
    assert.ok(
      rows.every((r) => r.worker_id !== null && r.status === 'succeeded'),
      'an execution without a worker',
    );
    const alive = (await (await app.api('/workers')).json()) as { id: string }[];
    for (const id of workerIds)
      assert.ok(
        alive.some((w) => w.id === id),
        `unknown worker ${id}`,
      );
    assert.equal(workerIds.size, 2, 'the executions did not spread over both workers');
    const starts = await db
      .selectFrom('execution_events')
      .select(['execution_id', (eb) => eb.fn.countAll<string>().as('n')])
      .where('execution_id', 'in', executionIds)
      .where('kind', '=', 'status')
      .where('data', 'like', '{"status":"running"%')
      .groupBy('execution_id')
      .execute();
    assert.equal(starts.length, executionIds.length);
    for (const s of starts) assert.equal(Number(s.n), 1, `execution ${s.execution_id} started ${s.n} times`);

    for (const w of workers) assert.equal(w.exitCode, null, 'a worker died');
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  }
});
