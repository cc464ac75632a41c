import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { OutputStream } from '../connector.ts';
import { OutputPump } from './output-pump.ts';

const unexpected = (error: unknown) => assert.fail(`the consumer failed: ${String(error)}`);

function source(log: string[], name: string) {
  return { pause: () => log.push(`pause ${name}`), resume: () => log.push(`resume ${name}`) };
}

test('chunks reach the consumer in arrival order, one at a time', async () => {
  const seen: string[] = [];
  let inFlight = 0;
  const pump = new OutputPump(
    async (stream: OutputStream, chunk: Buffer) => {
      assert.equal(++inFlight, 1);
      await delay(1);
      seen.push(`${stream}:${chunk}`);
      inFlight--;
    },
    [],
    unexpected,
  );
  pump.push('stdout', Buffer.from('a'));
  pump.push('stderr', Buffer.from('b'));
  pump.push('stdout', Buffer.from('c'));
  assert.equal(pump.idle, false);
  await pump.whenIdle();
  assert.deepEqual(seen, ['stdout:a', 'stderr:b', 'stdout:c']);
});

test('a pending consumer promise pauses every source until the queue is drained', async () => {
  const log: string[] = [];
  let release = () => {};
  const pump = new OutputPump(
    (_s, chunk) => {
      log.push(`deliver ${chunk}`);
      if (chunk.toString() === 'slow') return new Promise<void>((r) => (release = r));
    },
    [source(log, 'out'), source(log, 'err')],
    unexpected,
  );
  pump.push('stdout', Buffer.from('fast'));
  pump.push('stdout', Buffer.from('slow'));
  pump.push('stderr', Buffer.from('queued'));
  assert.deepEqual(log, ['deliver fast', 'deliver slow', 'pause out', 'pause err']);
  release();
  await pump.whenIdle();
  assert.deepEqual(log.slice(4), ['deliver queued', 'resume out', 'resume err']);
});

test('a synchronous consumer never pauses the sources', async () => {
  const log: string[] = [];
  const pump = new OutputPump(() => {}, [source(log, 'out')], unexpected);
  for (let i = 0; i < 10; i++) pump.push('stdout', Buffer.from('x'));
  await pump.whenIdle();
  assert.deepEqual(log, []);
});

test('a failing consumer is reported once and gets nothing more', async () => {
  const errors: unknown[] = [];
  const delivered: string[] = [];
  const pump = new OutputPump(
    async (_s, chunk) => {
      delivered.push(chunk.toString());
      throw new Error('disk full');
    },
    [],
    (e) => errors.push(e),
  );
  pump.push('stdout', Buffer.from('1'));
  pump.push('stdout', Buffer.from('2'));
  await pump.whenIdle();
  pump.push('stdout', Buffer.from('3'));
  await pump.whenIdle();
  assert.deepEqual(delivered, ['1']);
  assert.equal(errors.length, 1);
});
