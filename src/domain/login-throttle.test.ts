import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeWait, lockedUntil, lockMs, POLICIES, waitMs } from './login-throttle.ts';

test('a pair lock starts at the fifth failure with one minute and doubles up to fifteen', () => {
  const p = POLICIES.pair;
  assert.deepEqual(
    [4, 5, 6, 7, 8, 9, 50].map((n) => lockMs(n, p) / 60_000),
    [0, 1, 2, 4, 8, 15, 15],
  );
});

test('the account throttle is short and capped, so it never becomes a lockout', () => {
  const p = POLICIES.account;
  assert.equal(lockMs(9, p), 0);
  assert.equal(lockMs(10, p), 1000);
  assert.equal(lockMs(1000, p), 30_000);
});

test('an address that logged in before is not held back by the account throttle', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const account = { lockedUntil: lockedUntil(12, POLICIES.account, now) };
  assert.equal(waitMs({ account }, false, now), 4000);
  assert.equal(waitMs({ account }, true, now), 0);
  const pair = { lockedUntil: new Date(now.getTime() + 60_000) };
  assert.equal(waitMs({ pair, account }, true, now), 60_000);
  assert.equal(waitMs({ pair: { lockedUntil: new Date(now.getTime() - 1) } }, false, now), 0);
});

test('waits read as seconds or minutes', () => {
  assert.equal(describeWait(1000), '1 second');
  assert.equal(describeWait(45_500), '46 seconds');
  assert.equal(describeWait(120_000), '2 minutes');
});
