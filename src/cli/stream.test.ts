import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeRun, startFakeApi } from '../../test/support/fake-api.ts';
import type { LogEvent } from '../http/schemas.ts';
import type { ClientMessage, ServerMessage } from '../http/stream-protocol.ts';
import { ApiClient } from './client.ts';
import { CliError } from './io.ts';
import { backoffDelay, Cursor, followRun } from './stream.ts';

const RUN = '11111111-1111-4111-8111-111111111111';
const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const HOSTS = [
  { id: A, name: 'web-1' },
  { id: B, name: 'web-2' },
];
const ev = (executionId: string, seq: number): LogEvent => ({
  executionId,
  seq,
  kind: 'stdout',
  data: `${executionId === A ? 'a' : 'b'}${seq}\n`,
  at: '2024-01-01T00:00:00.000Z',
  step: null,
});
const send = (socket: { send(s: string): void }, m: ServerMessage) => socket.send(JSON.stringify(m));
const label = (e: LogEvent) => `${e.executionId === A ? 'a' : 'b'}${e.seq}`;

test('the cursor accepts each sequence number once, per execution', () => {
  const c = new Cursor({ [A]: 2 });
  assert.equal(c.accept(ev(A, 2)), false);
  assert.equal(c.accept(ev(A, 3)), true);
  assert.equal(c.accept(ev(A, 3)), false);
  assert.equal(c.accept(ev(B, 1)), true);
  assert.deepEqual(c.snapshot(), { [A]: 3, [B]: 1 });
});

test('backoff doubles up to its cap, with bounded jitter', () => {
  const fixed = () => 1;
  assert.deepEqual(
    [0, 1, 2, 3, 10].map((n) => backoffDelay(n, 250, 5000, fixed)),
    [250, 500, 1000, 2000, 5000],
  );
  assert.equal(
    backoffDelay(0, 1000, 5000, () => 0),
    750,
  );
});

test('a dropped stream is resumed after the last event seen: no gap, no duplicate', async (t) => {
  const subscriptions: ClientMessage[] = [];
  const api = await startFakeApi({
    http: (req) => {
      // The stored log holds one event the stream never sent.
      if (req.path === `/runs/${RUN}/log`) {
        const after = Number(req.query.get('after'));
        const events = req.query.get('execution') === A && after < 4 ? [ev(A, 4)] : [];
        return { body: { events, more: false } };
      }
      return undefined;
    },
    stream: (socket, index, headers) => {
      assert.equal(headers.authorization, 'Bearer tok');
      socket.on('message', (raw) => {
        const m = JSON.parse(String(raw)) as ClientMessage;
        subscriptions.push(m);
        if (index === 0) {
          send(socket, { type: 'run', run: fakeRun(RUN, 'running', HOSTS) });
          for (const e of [ev(A, 1), ev(A, 2), ev(B, 1)])
            send(socket, { type: 'event', runId: RUN, event: e });
          setTimeout(() => socket.terminate(), 20);
        } else {
          // A server may repeat what the client already has; the client must not print it twice.
          for (const e of [ev(A, 2), ev(A, 3), ev(B, 2)])
            send(socket, { type: 'event', runId: RUN, event: e });
          send(socket, { type: 'run', run: fakeRun(RUN, 'succeeded', HOSTS) });
        }
      });
    },
  });
  t.after(() => api.close());
  const seen: string[] = [];
  const notices: string[] = [];
  const final = await followRun({
    client: new ApiClient(api.url, 'tok'),
    runId: RUN,
    onEvent: (e) => seen.push(label(e)),
    onNotice: (m) => notices.push(m),
    initialBackoffMs: 10,
  });
  assert.equal(final.status, 'succeeded');
  assert.deepEqual(seen, ['a1', 'a2', 'b1', 'a3', 'b2', 'a4']);
  assert.deepEqual(subscriptions, [
    { type: 'subscribe', runId: RUN, after: {} },
    { type: 'subscribe', runId: RUN, after: { [A]: 2, [B]: 1 } },
  ]);
  assert.deepEqual(notices, ['connection to the server lost; reconnecting…', 'reconnected']);
});

test('a refused token ends the follow with the server message instead of retrying', async (t) => {
  const api = await startFakeApi({ refuseUpgrade: () => 401 });
  t.after(() => api.close());
  await assert.rejects(
    followRun({ client: new ApiClient(api.url, 'bad'), runId: RUN, onEvent: () => {}, initialBackoffMs: 10 }),
    (e: unknown) => e instanceof CliError && /the API token is unknown/.test(e.message),
  );
});

test('a server that is gone makes the follow give up with a way to resume', async () => {
  const api = await startFakeApi({});
  const url = api.url;
  await api.close();
  await assert.rejects(
    followRun({
      client: new ApiClient(url, 't'),
      runId: RUN,
      onEvent: () => {},
      initialBackoffMs: 5,
      giveUpMs: 200,
    }),
    (e: unknown) => e instanceof CliError && e.message.includes(`orca logs -f ${RUN}`),
  );
});

test('aborting stops following at once', async (t) => {
  const api = await startFakeApi({
    stream: (socket) =>
      socket.on('message', () => send(socket, { type: 'run', run: fakeRun(RUN, 'running', HOSTS) })),
  });
  t.after(() => api.close());
  const stop = new AbortController();
  const following = followRun({
    client: new ApiClient(api.url, 't'),
    runId: RUN,
    onEvent: () => {},
    onRun: () => stop.abort(),
    signal: stop.signal,
  });
  await assert.rejects(following, (e: unknown) => e instanceof CliError && e.exitCode === 130);
});

test('a quiet stream is backed up by asking whether the run ended', async (t) => {
  const api = await startFakeApi({
    http: (req) => {
      if (req.path === `/runs/${RUN}`) return { body: fakeRun(RUN, 'failed', HOSTS) };
      if (req.path === `/runs/${RUN}/log`) return { body: { events: [], more: false } };
      return undefined;
    },
    stream: () => {}, // accepts, then never says anything
  });
  t.after(() => api.close());
  const final = await followRun({
    client: new ApiClient(api.url, 't'),
    runId: RUN,
    onEvent: () => {},
    pollMs: 100,
  });
  assert.equal(final.status, 'failed');
});
