/** The live stream: ordered events, exact resume after a reconnect, and output that survives restarts. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { ServerMessage } from '../src/http/stream-protocol.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { output, registerSshd, startRun, waitForRun } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;

before(async () => {
  [app, sshd] = await Promise.all([startTestApp(), startSshd()]);
  await registerSshd(app, sshd, 'h1');
  await registerSshd(app, sshd, 'h2');
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
});

interface Collected {
  events: Extract<ServerMessage, { type: 'event' }>['event'][];
  lastStatus: string | null;
}

/** Subscribes and collects until `stop` returns true or the socket is closed by the test. */
function subscribe(runId: string, after: Record<string, number>, collected: Collected): Promise<WebSocket> {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/api/v1/stream`, {
    headers: { authorization: `Bearer ${app.token}` },
  });
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as ServerMessage;
    if (m.type === 'event') collected.events.push(m.event);
    if (m.type === 'run') collected.lastStatus = m.run.status;
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'subscribe', runId, after }));
      resolve(ws);
    });
    ws.once('error', reject);
  });
}

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a client that reconnects mid-run resumes after its last sequence with no gap and no duplicate', async () => {
  const run = await startRun(app, 'for i in $(seq 1 40); do echo line-$i; sleep 0.05; done', ['h1', 'h2']);
  const first: Collected = { events: [], lastStatus: null };
  const ws1 = await subscribe(run.id, {}, first);
  await until(() => first.events.filter((e) => e.kind === 'stdout').length >= 4);
  ws1.close();
  const cursor: Record<string, number> = {};
  for (const e of first.events) cursor[e.executionId] = Math.max(cursor[e.executionId] ?? 0, e.seq);

  const second: Collected = { events: [], lastStatus: null };
  const ws2 = await subscribe(run.id, cursor, second);
  await until(() => ['succeeded', 'failed'].includes(second.lastStatus ?? ''));
  ws2.close();

  for (const exec of run.executions) {
    const seqs = [...first.events, ...second.events]
      .filter((e) => e.executionId === exec.id)
      .map((e) => e.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i + 1),
      `sequence of ${exec.hostName} has a gap or duplicate`,
    );
    const text = [...first.events, ...second.events]
      .filter((e) => e.executionId === exec.id && e.kind === 'stdout')
      .map((e) => e.data)
      .join('');
    const expected = Array.from({ length: 40 }, (_, i) => `line-${i + 1}\n`).join('');
    assert.equal(text, expected);
    assert.equal(await output(app, run.id, exec.id), expected, 'stored output equals streamed output');
  }
  assert.equal(second.lastStatus, 'succeeded');
});

test('the stream refuses callers who are not logged in', async () => {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/api/v1/stream`);
  const status = await new Promise<number>((resolve) => {
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
  });
  assert.equal(status, 401);
});

test('output larger than 10 MB streams through a worker whose heap could not hold it', async () => {
  // A separate `orca worker` process with a heap far smaller than the output: buffering the
  // output instead of streaming it would crash it.
  const worker = spawn(
    process.execPath,
    ['--max-old-space-size=48', '--import', 'tsx', 'src/main.ts', 'worker', '--concurrency', '2'],
    {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env,
        DATABASE_URL: app.database.url,
        ORCA_HOME: app.config.home,
        ORCA_LOG_LEVEL: 'error',
        ORCA_OUTPUT_LIMIT_BYTES: String(400 * 1024 * 1024),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  worker.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  try {
    await app.stopWorkers();
    // ~81 MB of base64 text in 76-character lines.
    const run = await startRun(app, 'head -c 60000000 /dev/zero | base64', ['h1']);
    const done = await waitForRun(app, run.id, 90_000);
    assert.equal(done.status, 'succeeded', `${JSON.stringify(done.executions)} ${stderr}`);
    const e = done.executions[0]!;
    assert.ok(e.outputBytes > 80_000_000, `stored ${e.outputBytes} bytes`);
    assert.equal(e.truncatedBytes, 0);
    const { rows } = await app.database.handle.pool.query(
      "select sum(length(data))::bigint as n from execution_events where execution_id = $1 and kind = 'stdout'",
      [e.id],
    );
    assert.equal(Number(rows[0].n), e.outputBytes);
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
    await app.startWorker();
  }
});
