/**
 * Scale-out: two servers and two workers, separate processes with separate homes, share one
 * PostgreSQL and nothing else. A run launched through one server streams live through the other,
 * its executions spread over both workers, and a cancel sent to the other server reaches them.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { ServerMessage } from '../src/http/stream-protocol.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { output, registerSshd, startRun, waitForRun } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

const KEY = randomBytes(32).toString('hex');
const HOSTS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
let app: TestApp;
let sshd: SshdHandle;
let serverB: { url: string; child: ChildProcess };
const children: ChildProcess[] = [];
const homes: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function spawnOrca(args: string[], env: Record<string, string> = {}): Promise<ChildProcess> {
  const home = await mkdtemp(join(tmpdir(), 'orca-scaleout-'));
  homes.push(home);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      ...env,
      DATABASE_URL: app.database.url,
      ORCA_HOME: home,
      ORCA_SECRET_KEY: KEY,
      ORCA_LOG_LEVEL: 'silent',
      ORCA_HEALTH_INTERVAL_S: '0',
    },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  [app, sshd] = await Promise.all([
    startTestApp({ worker: false, env: { ORCA_SECRET_KEY: KEY } }),
    startSshd(),
  ]);
  for (const h of HOSTS) await registerSshd(app, sshd, h);
  const port = await freePort();
  const child = await spawnOrca(['server'], { ORCA_PORT: String(port), ORCA_BIND: '127.0.0.1' });
  serverB = { url: `http://127.0.0.1:${port}`, child };
  await until('the second server', async () =>
    (await fetch(`${serverB.url}/api/v1/health`)).ok ? true : undefined,
  );
  await spawnOrca(['worker', '--concurrency', '2']);
  await spawnOrca(['worker', '--concurrency', '2']);
  await until('two live workers', async () => {
    const workers = (await (await app.api('/workers')).json()) as { state: string }[];
    return workers.filter((w) => w.state === 'alive').length === 2 ? true : undefined;
  });
});

after(async () => {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)),
  );
  await app?.stop();
  await sshd?.stop();
  await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
});

/** Subscribes through server B with the token server A issued. */
function subscribeB(runId: string, onMessage: (m: ServerMessage) => void): Promise<WebSocket> {
  const ws = new WebSocket(`${serverB.url.replace('http', 'ws')}/api/v1/stream`, {
    headers: { authorization: `Bearer ${app.token}` },
  });
  ws.on('message', (raw) => onMessage(JSON.parse(String(raw)) as ServerMessage));
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'subscribe', runId, after: {} }));
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

const apiB = (path: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${serverB.url}/api/v1${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `Bearer ${app.token}`,
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

test('a run launched on one server streams live through the other and spreads over both workers', async () => {
  const run = await startRun(app, 'for i in 1 2 3 4 5; do echo "$i"; sleep 0.2; done', HOSTS);
  const streamed = new Map<string, string>();
  let status = '';
  const ws = await subscribeB(run.id, (m) => {
    if (m.type === 'event' && m.event.kind === 'stdout')
      streamed.set(m.event.executionId, (streamed.get(m.event.executionId) ?? '') + m.event.data);
    if (m.type === 'run') status = m.run.status;
  });
  try {
    await until('the run to finish on the stream', async () => (status === 'succeeded' ? true : undefined));
  } finally {
    ws.close();
  }
  const done = await waitForRun(app, run.id);
  assert.equal(done.status, 'succeeded');
  for (const e of done.executions) {
    assert.equal(streamed.get(e.id), '1\n2\n3\n4\n5\n', `streamed output of ${e.hostName}`);
    assert.equal(await output(app, run.id, e.id), '1\n2\n3\n4\n5\n');
  }
  // Each worker runs at most two at once, so six hosts of a second each need both of them.
  const rows = await app.database.handle.db
    .selectFrom('executions')
    .select('worker_id')
    .distinct()
    .where('run_id', '=', run.id)
    .execute();
  assert.equal(rows.length, 2, 'executions ran on both workers');
  // Both servers see the same run.
  const viaB = (await (await apiB(`/runs/${run.id}`)).json()) as { status: string };
  assert.equal(viaB.status, 'succeeded');
});

/** pgrep's exit code: 0 when the test user runs `sleep 173`, 1 when not. */
async function remoteSleeps(): Promise<number | null> {
  const ps = spawn('pgrep', ['-u', sshd.user, '-f', 'sleep 173']);
  return new Promise((r) => ps.once('exit', r));
}

test('a cancel sent to the other server stops the executions on both workers', async () => {
  const run = await startRun(app, 'echo begun; sleep 173', HOSTS.slice(0, 4));
  await until('all four running', async () => {
    const r = (await (await app.api(`/runs/${run.id}`)).json()) as { executions: { status: string }[] };
    return r.executions.every((e) => e.status === 'running') ? true : undefined;
  });
  await until('the remote sleeps', async () => ((await remoteSleeps()) === 0 ? true : undefined));
  const res = await apiB(`/runs/${run.id}/cancel`, { method: 'POST', body: {} });
  assert.ok(res.ok, `cancel through server B: ${res.status}`);
  const done = await waitForRun(app, run.id, 60_000);
  assert.equal(done.status, 'canceled');
  assert.ok(done.executions.every((e) => e.status === 'canceled'));
  // The remote sleeps were killed, not just forgotten.
  await until('no remote sleep left', async () => ((await remoteSleeps()) === 1 ? true : undefined));
});

test('both servers list both workers; the server processes and workers stayed up', async () => {
  const ids = async (res: Response) =>
    ((await res.json()) as { id: string; state: string }[])
      .filter((w) => w.state === 'alive')
      .map((w) => w.id)
      .sort();
  assert.deepEqual(await ids(await app.api('/workers')), await ids(await apiB('/workers')));
  for (const c of children) assert.equal(c.exitCode, null, 'no process exited');
});
