import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, LiveRun, type LiveState, type SocketLike, streamUrl } from './live-run.ts';
import type { LogEvent, RunDetail } from './types.ts';

class FakeSocket implements SocketLike {
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  sent: unknown[] = [];
  closed = false;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  // server side
  open() {
    this.onopen?.();
  }
  deliver(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop() {
    this.onclose?.();
  }
}

const RUN = '00000000-0000-4000-8000-000000000001';
const EX = '00000000-0000-4000-8000-000000000002';
const run = (status: RunDetail['status']) => ({ id: RUN, status, executions: [] }) as unknown as RunDetail;
const ev = (seq: number, data: string): LogEvent => ({
  executionId: EX,
  seq,
  kind: 'stdout',
  data,
  at: '',
  step: null,
});
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

function harness() {
  const sockets: FakeSocket[] = [];
  const events: string[] = [];
  const runs: string[] = [];
  const states: LiveState[] = [];
  const errors: string[] = [];
  const live = new LiveRun({
    runId: RUN,
    url: 'ws://test/api/v1/stream',
    connect: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    onRun: (r) => runs.push(r.status),
    onEvent: (e) => events.push(e.data),
    onState: (s) => states.push(s),
    onError: (m) => errors.push(m),
    initialDelayMs: 1,
    maxDelayMs: 4,
  });
  return { live, sockets, events, runs, states, errors };
}

test('subscribes on open and passes snapshots and events on', () => {
  const h = harness();
  h.live.start();
  const s = h.sockets[0]!;
  s.open();
  assert.deepEqual(s.sent, [{ type: 'subscribe', runId: RUN, after: {} }]);
  s.deliver({ type: 'event', runId: RUN, event: ev(1, 'a') });
  s.deliver({ type: 'run', run: run('running') });
  assert.deepEqual(h.events, ['a']);
  assert.deepEqual(h.runs, ['running']);
  assert.deepEqual(h.states, ['connecting', 'open']);
  h.live.stop();
  assert.ok(s.closed);
});

test('reconnects after a drop and resumes after the last seq, ignoring repeats', async () => {
  const h = harness();
  h.live.start();
  h.sockets[0]!.open();
  h.sockets[0]!.deliver({ type: 'event', runId: RUN, event: ev(1, 'a') });
  h.sockets[0]!.deliver({ type: 'event', runId: RUN, event: ev(2, 'b') });
  h.sockets[0]!.drop();
  assert.equal(h.states.at(-1), 'reconnecting');
  await tick(20);
  const s2 = h.sockets[1]!;
  assert.ok(s2, 'a second socket was opened');
  s2.open();
  assert.deepEqual(s2.sent, [{ type: 'subscribe', runId: RUN, after: { [EX]: 2 } }]);
  s2.deliver({ type: 'event', runId: RUN, event: ev(2, 'b') });
  s2.deliver({ type: 'event', runId: RUN, event: ev(3, 'c') });
  assert.deepEqual(h.events, ['a', 'b', 'c']);
  h.live.stop();
});

test('after the final snapshot a drop does not reconnect', async () => {
  const h = harness();
  h.live.start();
  h.sockets[0]!.open();
  h.sockets[0]!.deliver({ type: 'run', run: run('succeeded') });
  assert.equal(h.states.at(-1), 'done');
  h.sockets[0]!.drop();
  await tick(20);
  assert.equal(h.sockets.length, 1);
  h.live.stop();
});

test('a server error stops the stream', async () => {
  const h = harness();
  h.live.start();
  h.sockets[0]!.open();
  h.sockets[0]!.deliver({ type: 'error', message: 'run x does not exist' });
  assert.deepEqual(h.errors, ['run x does not exist']);
  await tick(20);
  assert.equal(h.sockets.length, 1);
  assert.equal(h.states.at(-1), 'stopped');
});

test('messages for other runs and garbage are ignored', () => {
  const h = harness();
  h.live.start();
  h.sockets[0]!.open();
  h.sockets[0]!.onmessage?.({ data: 'not json' });
  h.sockets[0]!.deliver({ type: 'event', runId: 'other', event: ev(1, 'x') });
  assert.deepEqual(h.events, []);
  h.live.stop();
});

test('backoff grows, is capped and jittered', () => {
  assert.equal(
    backoffDelay(0, 500, 10_000, () => 1),
    500,
  );
  assert.equal(
    backoffDelay(3, 500, 10_000, () => 1),
    4000,
  );
  assert.equal(
    backoffDelay(10, 500, 10_000, () => 1),
    10_000,
  );
  assert.equal(
    backoffDelay(10, 500, 10_000, () => 0),
    5000,
  );
});

test('stream URL follows the page protocol', () => {
  assert.equal(streamUrl({ protocol: 'https:', host: 'orca.example' }), 'wss://orca.example/api/v1/stream');
  assert.equal(streamUrl({ protocol: 'http:', host: 'localhost:5173' }), 'ws://localhost:5173/api/v1/stream');
});
