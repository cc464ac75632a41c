import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { isTransientDbError, retryTransient } from './transient.ts';

function dbError(code: string): pg.DatabaseError {
  const e = new pg.DatabaseError('server said no', 0, 'error');
  e.code = code;
  return e;
}

test('connection failures are transient, answers about the statement are not', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  for (const e of [
    refused,
    new Error('Connection terminated unexpectedly'),
    dbError('57P01'),
    dbError('57P03'),
    dbError('08006'),
  ]) {
    assert.equal(isTransientDbError(e), true, String(e));
  }
  for (const e of [dbError('23505'), dbError('42601'), new TypeError('x is undefined'), 'text']) {
    assert.equal(isTransientDbError(e), false, String(e));
  }
});

test('retryTransient repeats while the failure is transient and stops at one that is not', async () => {
  let n = 0;
  assert.equal(
    await retryTransient(
      async () => {
        if (++n < 3) throw dbError('57P03');
        return 'done';
      },
      { delayMs: 1 },
    ),
    'done',
  );
  assert.equal(n, 3);
  n = 0;
  await assert.rejects(
    retryTransient(
      async () => {
        n++;
        throw dbError('23505');
      },
      { delayMs: 1 },
    ),
  );
  assert.equal(n, 1);
  await assert.rejects(
    retryTransient(
      async () => {
        throw dbError('57P01');
      },
      { delayMs: 5, forMs: 20 },
    ),
  );
});
