import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assignBatches,
  batchSizeOf,
  type PlannedExecution,
  planDispatch,
  toleratedFailures,
} from './strategy.ts';

const ex = (id: string, over: Partial<PlannedExecution> = {}): PlannedExecution => ({
  id,
  status: 'queued',
  position: Number(id.replace(/\D/g, '')),
  batch: 0,
  nextStep: 0,
  dispatched: false,
  ...over,
});

test('batch sizes: a count, a share rounded up, at least one host', () => {
  assert.equal(batchSizeOf(10, undefined), 10);
  assert.equal(batchSizeOf(10, 3), 3);
  assert.equal(batchSizeOf(10, 50), 10);
  assert.equal(batchSizeOf(10, '25%'), 3);
  assert.equal(batchSizeOf(3, '10%'), 1);
  assert.deepEqual(assignBatches(5, 2), [0, 0, 1, 1, 2]);
  assert.deepEqual(assignBatches(3, undefined), [0, 0, 0]);
});

test('tolerated failures: a count, or a share rounded down', () => {
  assert.equal(toleratedFailures(10, undefined), null);
  assert.equal(toleratedFailures(10, 0), 0);
  assert.equal(toleratedFailures(15, '10%'), 1);
  assert.equal(toleratedFailures(5, '10%'), 0);
});

test('without limits every queued host is dispatched at once, in target order', () => {
  const plan = planDispatch({ order: 'hostFirst' }, [ex('e2'), ex('e0'), ex('e1')]);
  assert.deepEqual(plan.dispatch, ['e0', 'e1', 'e2']);
  assert.deepEqual(plan.skip, []);
});

test('maxParallel counts what is already dispatched or running', () => {
  const plan = planDispatch({ order: 'hostFirst', maxParallel: 2 }, [
    ex('e0', { status: 'running', dispatched: true }),
    ex('e1'),
    ex('e2'),
    ex('e3', { status: 'succeeded', dispatched: true }),
  ]);
  assert.deepEqual(plan.dispatch, ['e1']);
});

test('a batch starts only when the batch before it is final', () => {
  const running = [ex('e0', { status: 'running', dispatched: true }), ex('e1', { batch: 1 })];
  assert.deepEqual(planDispatch({ order: 'hostFirst' }, running).dispatch, []);
  const done = [ex('e0', { status: 'failed', dispatched: true }), ex('e1', { batch: 1 })];
  assert.deepEqual(planDispatch({ order: 'hostFirst' }, done).dispatch, ['e1']);
});

test('past the failure threshold the hosts that had not begun are skipped; begun ones go on', () => {
  const plan = planDispatch({ order: 'stepFirst', maxFailures: 0 }, [
    ex('e0', { status: 'failed', dispatched: true }),
    ex('e1', { nextStep: 1 }),
    ex('e2'),
    ex('e3', { batch: 1 }),
  ]);
  assert.deepEqual(plan.skip, ['e2', 'e3']);
  assert.deepEqual(plan.dispatch, ['e1']);
  assert.match(plan.skipReason ?? '', /1 host\(s\) failed, more than the 0/);
  const within = planDispatch({ order: 'hostFirst', maxFailures: '50%' }, [
    ex('e0', { status: 'lost', dispatched: true }),
    ex('e1'),
  ]);
  assert.deepEqual(within.skip, []);
  assert.deepEqual(within.dispatch, ['e1']);
});

test('stepFirst holds a host at the next step until every host of its batch got there', () => {
  const waiting = [
    ex('e0', { nextStep: 1 }),
    ex('e1', { status: 'running', dispatched: true, nextStep: 0 }),
    ex('e2', { batch: 1 }),
  ];
  assert.deepEqual(planDispatch({ order: 'stepFirst' }, waiting).dispatch, []);
  const arrived = [ex('e0', { nextStep: 1 }), ex('e1', { nextStep: 1 }), ex('e2', { batch: 1 })];
  assert.deepEqual(planDispatch({ order: 'stepFirst' }, arrived).dispatch, ['e0', 'e1']);
  // A host that finished (failed, say) no longer holds the others back.
  const oneDone = [ex('e0', { nextStep: 2 }), ex('e1', { status: 'failed', nextStep: 1, dispatched: true })];
  assert.deepEqual(planDispatch({ order: 'stepFirst' }, oneDone).dispatch, ['e0']);
});
