import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { retriableStatus, retryDelayMs, runEvents, signBody } from './notifications.ts';

test('status changes raise start and one final event', () => {
  assert.deepEqual(runEvents('queued', 'running'), ['start']);
  assert.deepEqual(runEvents('running', 'succeeded'), ['success']);
  assert.deepEqual(runEvents('running', 'failed'), ['failure']);
  assert.deepEqual(runEvents('running', 'canceled'), ['cancel']);
  assert.deepEqual(runEvents('queued', 'failed'), ['start', 'failure'], 'ran between two refreshes');
  assert.deepEqual(runEvents('queued', 'canceled'), ['cancel'], 'canceled before it began');
  assert.deepEqual(runEvents('running', 'running'), []);
  assert.deepEqual(runEvents('succeeded', 'failed'), [], 'a finished run raises nothing again');
});

test('the signature is the HMAC-SHA256 of the exact body', () => {
  const body = '{"event":"success","run":{"id":"r1"},"note":"caf\u00e9"}';
  const expected = createHmac('sha256', 'k3y').update(Buffer.from(body, 'utf8')).digest('hex');
  assert.equal(signBody('k3y', body), `sha256=${expected}`);
  assert.notEqual(signBody('other', body), signBody('k3y', body));
});

test('retries back off exponentially, capped; only transient answers are retried', () => {
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => retryDelayMs(n, 1000)),
    [1000, 2000, 4000, 8000],
  );
  assert.equal(retryDelayMs(40, 1000), 600_000);
  assert.deepEqual([200, 400, 404, 408, 429, 500, 503].map(retriableStatus), [
    false,
    false,
    false,
    true,
    true,
    true,
    true,
  ]);
});
