/**
 * PostgreSQL restarted in the middle of a run, under a real orca server and worker (child
 * processes): both reconnect by themselves, the run completes, stored output survives in order
 * and without duplicates, a span of dropped output is marked, a live-stream subscriber hears the
 * completion, and /health says degraded while the database is away.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import WebSocket from 'ws';
import { gapMessage } from '../src/engine/output.ts';
import type { ServerMessage } from '../src/http/stream-protocol.ts';
import { registerSshd, startRun } from './support/fleet.ts';
import {
  type OrcaCluster,
  type OrcaProcess,
  type OrcaServer,
  orcaCluster,
  waitFor,
} from './support/orca-processes.ts';
import { type PrivatePg, startPrivatePg } from './support/private-pg.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

const LINES = 200;
const GAP = new RegExp(`^${gapMessage(0).replace('0', '(\\d+)')}$`);

let database: PrivatePg;
let sshd: SshdHandle;
let cluster: OrcaCluster;
let server: OrcaServer;
let worker: OrcaProcess;

before(async () => {
  [database, sshd] = await Promise.all([startPrivatePg(), startSshd()]);
  cluster = await orcaCluster(database.url);
  // One after the other: both apply migrations at start-up.
  server = await cluster.startServer();
  worker = await cluster.startWorker(2);
  await registerSshd(server, sshd, 'h1');
  await waitFor('the worker to register', 180_000, async () => {
    const list = (await (await server.api('/workers')).json()) as { state: string }[];
    return list.some((w) => w.state === 'alive') ? true : undefined;
  });
});
after(async () => {
  await cluster?.stop();
  await sshd?.stop();
  await database?.destroy();
});

interface StoredEvent {
  seq: number;
  kind: string;
  data: string;
}

/** The execution's events as stored, read on a connection of the test's own. */
async function storedEvents(executionId: string): Promise<StoredEvent[]> {
  const client = new pg.Client({ connectionString: database.url });
  client.on('error', () => {});
  await client.connect();
  try {
    const r = await client.query<StoredEvent>(
      'select seq, kind, data from execution_events where execution_id = $1 order by seq',
      [executionId],
    );
    return r.rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Line numbers in stored order; `gapBefore[i]` says a gap marker precedes the i-th line. */
function parseLines(events: StoredEvent[]): { numbers: number[]; gapBefore: boolean[]; gaps: number } {
  const numbers: number[] = [];
  const gapBefore: boolean[] = [];
  let gaps = 0;
  let text = '';
  let marked = false;
  const takeLines = (final: boolean) => {
    const parts = text.split('\n');
    text = final ? '' : (parts.pop() ?? '');
    for (const line of parts) {
      const m = /^line (\d+)$/.exec(line);
      if (!m) continue; // a line cut by a gap
      numbers.push(Number(m[1]));
      gapBefore.push(marked);
      marked = false;
    }
  };
  for (const e of events) {
    if (e.kind === 'stdout') text += e.data;
    else if (e.kind === 'system' && GAP.test(e.data)) {
      takeLines(true);
      marked = true;
      gaps++;
    }
  }
  takeLines(true);
  return { numbers, gapBefore, gaps };
}

async function health(): Promise<{ code: number; status: string }> {
  const res = await fetch(`${server.url}/api/v1/health`);
  return { code: res.status, status: ((await res.json()) as { status: string }).status };
}

test('PostgreSQL restarted mid-run: everything reconnects, the run completes, stored output is intact', async () => {
  try {
    const run = await startRun(
      server,
      `for i in $(seq 1 ${LINES}); do echo "line $i"; sleep 0.1; done`,
      ['h1'],
      300,
    );
    const executionId = run.executions[0]!.id;

    // A live-stream subscriber, connected before the restart and kept through it.
    const heard: { events: Extract<ServerMessage, { type: 'event' }>['event'][]; final: string | null } = {
      events: [],
      final: null,
    };
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/stream`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as ServerMessage;
      if (m.type === 'event') heard.events.push(m.event);
      if (m.type === 'run' && ['succeeded', 'failed', 'canceled'].includes(m.run.status))
        heard.final = m.run.status;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => {
        ws.send(JSON.stringify({ type: 'subscribe', runId: run.id }));
        resolve();
      });
      ws.once('error', reject);
    });

    const beforeRestart = await waitFor('20 stored lines', 120_000, async () => {
      const lines = parseLines(await storedEvents(executionId)).numbers;
      return lines.length >= 20 ? lines : undefined;
    });
    assert.ok(beforeRestart.length < LINES, 'the command finished before the restart');
    assert.equal(await health().then((h) => h.status), 'ok');

    await database.stop();
    const down = await waitFor('/health to say degraded', 30_000, async () => {
      const h = await health();
      return h.status === 'degraded' ? h : undefined;
    });
    assert.equal(down.code, 503);
    // Let the command print while the database is away.
    await new Promise((r) => setTimeout(r, 2000));
    await database.start();

    await waitFor('/health to say ok again', 60_000, async () =>
      (await health()).status === 'ok' ? true : undefined,
    );
    await waitFor('the subscriber to hear the run end', 120_000, async () => heard.final ?? undefined);
    assert.equal(heard.final, 'succeeded');

    const done = (await (await server.api(`/runs/${run.id}`)).json()) as {
      status: string;
      executions: { status: string; failureKind: string | null }[];
    };
    assert.equal(done.status, 'succeeded');
    assert.equal(done.executions[0]?.status, 'succeeded');

    // Stored output: consecutive sequence numbers, lines in order without duplicates, every
    // line stored before the restart still there, every missing span marked.
    const events = await storedEvents(executionId);
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => events[0]!.seq + i),
    );
    const { numbers, gapBefore } = parseLines(events);
    for (let i = 1; i < numbers.length; i++) {
      assert.ok(numbers[i]! > numbers[i - 1]!, `line ${numbers[i]} after line ${numbers[i - 1]}`);
      if (numbers[i] !== numbers[i - 1]! + 1) {
        assert.ok(
          gapBefore[i],
          `lines ${numbers[i - 1]! + 1}..${numbers[i]! - 1} are missing without a marker`,
        );
      }
    }
    assert.equal(numbers[0], 1);
    assert.equal(numbers.at(-1), LINES);
    const stored = new Set(numbers);
    for (const n of beforeRestart) assert.ok(stored.has(n), `line ${n}, stored before the restart, is gone`);

    // The subscriber got each event once, in order.
    const seqs = heard.events.filter((e) => e.executionId === executionId).map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...new Set(seqs)].sort((a, b) => a - b),
    );
    ws.close();

    // The queue still hands out work after the restart.
    const next = await startRun(server, 'echo after-restart', ['h1']);
    const finished = await waitFor('a run started after the restart to end', 60_000, async () => {
      const r = (await (await server.api(`/runs/${next.id}`)).json()) as { status: string };
      return ['succeeded', 'failed', 'canceled'].includes(r.status) ? r.status : undefined;
    });
    assert.equal(finished, 'succeeded');

    assert.ok(server.alive, 'the server process died');
    assert.ok(worker.alive, 'the worker process died');
  } catch (error) {
    process.stderr.write(`${await cluster.logs()}\n`);
    throw error;
  }
});
