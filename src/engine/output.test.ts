import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputRecorder, type RecordedEvent } from './output.ts';

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
