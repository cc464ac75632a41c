import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstStoppingFailure, type PriorStep, shouldRun } from './conditions.ts';

const ok = (id: string): PriorStep => ({ id, status: 'succeeded', tolerated: false });
const failed = (id: string, tolerated = false): PriorStep => ({ id, status: 'failed', tolerated });
const skipped = (id: string): PriorStep => ({ id, status: 'skipped', tolerated: false });

test('success: no earlier step failed, tolerated failures and skips aside', () => {
  assert.ok(shouldRun({ kind: 'success' }, []));
  assert.ok(shouldRun({ kind: 'success' }, [ok('a'), failed('b', true), skipped('c')]));
  assert.ok(!shouldRun({ kind: 'success' }, [ok('a'), failed('b')]));
});

test('failure runs only after an untolerated failure; always runs always', () => {
  assert.ok(!shouldRun({ kind: 'failure' }, [ok('a'), failed('b', true)]));
  assert.ok(shouldRun({ kind: 'failure' }, [failed('a')]));
  assert.ok(shouldRun({ kind: 'always' }, [failed('a')]));
});

test('a named step: its outcome, a tolerated failure counting as failed', () => {
  const when = { kind: 'step', step: 'b', outcomes: ['failed'] } as const;
  assert.ok(shouldRun(when, [ok('a'), failed('b', true)]));
  assert.ok(!shouldRun(when, [ok('a'), ok('b')]));
  assert.ok(shouldRun({ kind: 'step', step: 'b', outcomes: ['skipped', 'succeeded'] }, [skipped('b')]));
  assert.ok(!shouldRun(when, [ok('a')]), 'a step that has not run has no outcome');
});

test('the host fails with its first untolerated failure', () => {
  assert.equal(firstStoppingFailure([ok('a'), failed('b', true), failed('c'), failed('d')])?.id, 'c');
  assert.equal(firstStoppingFailure([ok('a'), failed('b', true)]), undefined);
});
