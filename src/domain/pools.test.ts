import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isPool,
  parseWorkerTags,
  poolOfIdentifier,
  poolProblem,
  rerunnableAfterShutdown,
  routedIdentifier,
  servedIdentifiers,
  servesPool,
} from './pools.ts';

test('a pool is key=value', () => {
  assert.equal(isPool('zone=dmz'), true);
  assert.equal(isPool('dc=eu-west.1'), true);
  for (const bad of ['zone', '=dmz', 'zone=', 'zone=dmz=x', 'zone = dmz', 'zone=dmz,x', '-a=b'])
    assert.equal(isPool(bad), false, bad);
});

test('--tags may repeat and hold comma-separated tags; duplicates go, bad ones are named', () => {
  assert.deepEqual(parseWorkerTags(['zone=dmz,gpu=yes', ' zone=dmz ', '']), ['gpu=yes', 'zone=dmz']);
  assert.throws(() => parseWorkerTags(['zone=dmz,dmz']), /worker tag "dmz" must be key=value/);
});

test('routed identifiers name the pool, and the pool is read back from them', () => {
  assert.equal(routedIdentifier('orca.execute', null), 'orca.execute');
  assert.equal(routedIdentifier('orca.check-host', 'zone=dmz'), 'orca.check-host@zone=dmz');
  assert.equal(poolOfIdentifier('orca.execute@zone=dmz'), 'zone=dmz');
  assert.equal(poolOfIdentifier('orca.check-host'), null);
  assert.equal(poolOfIdentifier('orca.notify'), undefined);
});

test('a worker serves its pools and the unrouted hosts, unless pool-only', () => {
  const dmz = { tags: ['zone=dmz'], poolOnly: false };
  const only = { tags: ['zone=dmz'], poolOnly: true };
  const plain = { tags: [], poolOnly: false };
  assert.deepEqual(
    [servesPool(dmz, 'zone=dmz'), servesPool(dmz, null), servesPool(dmz, 'zone=lan')],
    [true, true, false],
  );
  assert.deepEqual([servesPool(only, 'zone=dmz'), servesPool(only, null)], [true, false]);
  assert.deepEqual([servesPool(plain, 'zone=dmz'), servesPool(plain, null)], [false, true]);
  assert.deepEqual(servedIdentifiers(only), ['orca.execute@zone=dmz', 'orca.check-host@zone=dmz']);
  assert.deepEqual(servedIdentifiers(plain), ['orca.execute', 'orca.check-host']);
  assert.equal(servedIdentifiers(dmz).length, 4);
});

test('a pool without a live worker is reported', () => {
  assert.equal(poolProblem('zone=dmz', 1, 3, 1), null);
  assert.equal(poolProblem('zone=dmz', 0, 0, 1), 'no worker serves pool zone=dmz');
  assert.equal(poolProblem('zone=dmz', 0, 2, 0), 'no worker serves pool zone=dmz: 2 waiting');
  assert.match(poolProblem(null, 0, 1, 2) ?? '', /every live worker is --pool-only/);
  assert.equal(poolProblem(null, 0, 1, 0), 'no worker is running: 1 waiting');
});

test('after a shutdown, file steps and steps that may repeat run again; commands do not', () => {
  const connection = { on: 'connection' as const };
  assert.equal(rerunnableAfterShutdown({ type: 'upload', retry: connection }), true);
  assert.equal(rerunnableAfterShutdown({ type: 'sync', retry: connection }), true);
  assert.equal(rerunnableAfterShutdown({ type: 'exec', retry: { on: 'any' } }), true);
  assert.equal(rerunnableAfterShutdown({ type: 'exec', retry: connection }), false);
  assert.equal(rerunnableAfterShutdown({ type: 'script', retry: connection }), false);
});
