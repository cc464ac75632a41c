import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gapMessage, OutputRecorder, type RecordedEvent } from './output.ts';

function recorder(limitBytes = 1 << 20, secrets: string[] = []) {
  const stored: RecordedEvent[] = [];
  const r = new OutputRecorder(
    { write: async (b) => void stored.push(...b) },
    { firstSeq: 1, limitBytes, secrets },
  );
  return { r, stored };
}

test('output is stored in order with consecutive sequence numbers and whole characters', async () => {
  const { r, stored } = recorder();
  const text = Buffer.from('héllo wörld ✓\n');
  for (const byte of text) await r.write('stdout', Buffer.from([byte]));
  r.event('status', '{"status":"succeeded"}');
  await r.write('stderr', Buffer.from('oops'));
  await r.close();
  assert.deepEqual(
    stored.map((e) => e.seq),
    stored.map((_, i) => i + 1),
  );
  assert.equal(
    stored
      .filter((e) => e.kind === 'stdout')
      .map((e) => e.data)
      .join(''),
    'héllo wörld ✓\n',
  );
  assert.deepEqual(
    stored.map((e) => e.kind),
    ['stdout', 'status', 'stderr'],
  );
});

test('secrets are masked even when split across chunks', async () => {
  const { r, stored } = recorder(1 << 20, ['hunter2']);
  await r.write('stdout', Buffer.from('the password is hun'));
  await r.write('stdout', Buffer.from('ter2!'));
  await r.close();
  assert.equal(stored.map((e) => e.data).join(''), 'the password is ***!');
});

test('output over the limit is dropped and a marker says how much', async () => {
  const { r, stored } = recorder(1024);
  await r.write('stdout', Buffer.alloc(1000, 'a'));
  await r.write('stdout', Buffer.alloc(500, 'b'));
  await r.close();
  assert.equal(r.outputBytes, 1024);
  assert.equal(r.truncatedBytes, 476);
  const last = stored.at(-1);
  assert.equal(last?.kind, 'system');
  assert.match(last?.data ?? '', /476 bytes/);
});

test('a slow store holds the producer back instead of buffering without bound', async () => {
  let inFlight = 0;
  let maxPending = 0;
  let produced = 0;
  let written = 0;
  let maxBacklog = 0;
  const r = new OutputRecorder(
    {
      write: async (batch) => {
        inFlight++;
        maxPending = Math.max(
          maxPending,
          batch.reduce((n, e) => n + e.data.length, 0),
        );
        await new Promise((res) => setTimeout(res, 5));
        written += batch.reduce((n, e) => n + e.data.length, 0);
        inFlight--;
      },
    },
    { firstSeq: 1, limitBytes: 1 << 30, secrets: [], highWaterBytes: 64 * 1024, batchBytes: 16 * 1024 },
  );
  const chunk = Buffer.alloc(16 * 1024, 'x');
  for (let i = 0; i < 200; i++) {
    await r.write('stdout', chunk);
    produced += chunk.length;
    maxBacklog = Math.max(maxBacklog, produced - written);
  }
  await r.close();
  assert.equal(inFlight, 0);
  assert.ok(maxPending <= 64 * 1024 + chunk.length, `a batch held ${maxPending} bytes`);
  // Whatever the batch size, what is produced and not yet written stays near the high-water mark.
  assert.ok(maxBacklog <= 64 * 1024 + 2 * chunk.length, `${maxBacklog} bytes waited to be written`);
});

test('a failing store surfaces its error to the producer', async () => {
  const r = new OutputRecorder(
    { write: async () => Promise.reject(new Error('db down')) },
    { firstSeq: 1, limitBytes: 1 << 20, secrets: [], highWaterBytes: 10 },
  );
  await assert.rejects(async () => {
    await r.write('stdout', Buffer.alloc(100, 'x'));
    await r.write('stdout', Buffer.alloc(100, 'x'));
  }, /db down/);
});

/** A store that fails (transiently) while `down` is true, and records what it stored. */
function flakyStore() {
  const state = { down: false, attempts: 0, stored: [] as RecordedEvent[] };
  const sink = {
    write: async (batch: readonly RecordedEvent[]) => {
      state.attempts++;
      if (state.down) throw new Error('connect ECONNREFUSED');
      state.stored.push(...batch);
    },
  };
  return { state, sink };
}

test('a store that fails for a while is retried: nothing is lost or stored twice', async () => {
  const { state, sink } = flakyStore();
  const r = new OutputRecorder(sink, {
    firstSeq: 1,
    limitBytes: 1 << 20,
    secrets: [],
    flushMs: 5,
    retryDelayMs: 5,
    retryable: () => true,
  });
  state.down = true;
  for (let i = 1; i <= 50; i++) {
    await r.write('stdout', Buffer.from(`line ${i}\n`));
    if (i === 25) state.down = false;
    await new Promise((res) => setTimeout(res, 1));
  }
  await r.close();
  assert.ok(state.attempts > 1);
  assert.deepEqual(
    state.stored.map((e) => e.seq),
    state.stored.map((_, i) => i + 1),
  );
  const lines = state.stored.map((e) => e.data).join('');
  assert.equal(lines, Array.from({ length: 50 }, (_, i) => `line ${i + 1}\n`).join(''));
  assert.equal(r.lostBytes, 0);
});

test('while the store is down the host is not held back: overflow is dropped and the gap marked', async () => {
  const { state, sink } = flakyStore();
  const r = new OutputRecorder(sink, {
    firstSeq: 1,
    limitBytes: 1 << 20,
    secrets: [],
    flushMs: 5,
    retryDelayMs: 5,
    highWaterBytes: 100,
    retryable: () => true,
  });
  await r.write('stdout', Buffer.from('before\n'));
  await r.flush();
  state.down = true;
  // Let the recorder notice the failure, then flood it: every write returns at once.
  await r.write('stdout', Buffer.from('first while down\n'));
  while (state.attempts < 3) await new Promise((res) => setTimeout(res, 2));
  for (let i = 0; i < 100; i++) {
    const wait = r.write('stdout', Buffer.alloc(50, 'x'));
    assert.equal(wait, undefined, 'the producer was held back while the store was down');
  }
  state.down = false;
  await r.flush();
  await r.write('stdout', Buffer.from('after\n'));
  await r.close();
  const seqs = state.stored.map((e) => e.seq);
  assert.deepEqual(
    seqs,
    seqs.map((_, i) => i + 1),
  );
  const gap = state.stored.find((e) => e.kind === 'system');
  assert.ok(gap, 'no gap marker');
  assert.equal(gap.data, gapMessage(r.lostBytes));
  assert.ok(r.lostBytes >= 100 * 50 - 200, `only ${r.lostBytes} bytes dropped`);
  const text = state.stored.map((e) => (e.kind === 'system' ? '[gap]' : e.data)).join('');
  assert.match(text, /^before\nfirst while down\nx*\[gap\]after\n$/);
});

test('a store failure that is not retryable stays final', async () => {
  let attempts = 0;
  const r = new OutputRecorder(
    {
      write: async () => {
        attempts++;
        throw new TypeError('a bug');
      },
    },
    {
      firstSeq: 1,
      limitBytes: 1 << 20,
      secrets: [],
      retryDelayMs: 1,
      retryable: (e) => !(e instanceof TypeError),
    },
  );
  await r.write('stdout', Buffer.from('x'));
  await assert.rejects(r.close(), /a bug/);
  assert.equal(attempts, 1);
});
