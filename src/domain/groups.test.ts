import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ancestorsOf, effectiveGroups, nestingPath } from './groups.ts';

// all > (eu > (eu-web, eu-db)), all > us; eu-web is also in web
const edges = [
  { parentId: 'all', childId: 'eu' },
  { parentId: 'all', childId: 'us' },
  { parentId: 'eu', childId: 'eu-web' },
  { parentId: 'eu', childId: 'eu-db' },
  { parentId: 'web', childId: 'eu-web' },
];

test('a group is inside every ancestor, through any number of levels and parents', () => {
  assert.deepEqual([...ancestorsOf(edges, ['eu-web'])].sort(), ['all', 'eu', 'web']);
  assert.deepEqual([...ancestorsOf(edges, ['all'])], []);
  assert.deepEqual([...effectiveGroups(edges, ['eu-db', 'us'])].sort(), ['all', 'eu', 'eu-db', 'us']);
});

test('the nesting path shows which edge a new one would close into a cycle', () => {
  assert.deepEqual(nestingPath(edges, 'all', 'eu-web'), ['all', 'eu', 'eu-web']);
  assert.equal(nestingPath(edges, 'eu-web', 'all'), null);
  assert.deepEqual(nestingPath(edges, 'us', 'us'), ['us']);
});

test('ancestors terminate even if the stored edges hold a cycle', () => {
  const cyclic = [...edges, { parentId: 'eu-web', childId: 'all' }];
  assert.deepEqual([...ancestorsOf(cyclic, ['eu'])].sort(), ['all', 'eu', 'eu-web', 'web']);
});
