import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapParameters, parsePath, pick } from './trigger-mapping.ts';

test('paths are dotted names with indices; malformed ones say where', () => {
  assert.deepEqual(parsePath('release.tag'), ['release', 'tag']);
  assert.deepEqual(parsePath('commits[0].id'), ['commits', 0, 'id']);
  assert.deepEqual(parsePath('a[1][2]'), ['a', 1, 2]);
  assert.deepEqual(parsePath('head_commit.author.e-mail'), ['head_commit', 'author', 'e-mail']);
  for (const bad of ['', '.a', 'a.', 'a..b', '[0]', 'a[x]', 'a]', 'a[0]b']) {
    assert.equal(typeof parsePath(bad), 'string', bad);
  }
});

test('pick follows the path and never reaches into prototypes', () => {
  const body = { release: { tag: 'v2.4.1', draft: false }, commits: [{ id: 'abc' }, { id: 'def' }] };
  assert.equal(pick(body, ['release', 'tag']), 'v2.4.1');
  assert.equal(pick(body, ['release', 'draft']), false);
  assert.equal(pick(body, ['commits', 1, 'id']), 'def');
  assert.equal(pick(body, ['commits', 5, 'id']), undefined);
  assert.equal(pick(body, ['release', 0]), undefined);
  assert.equal(pick(body, ['commits', 'length']), undefined);
  assert.equal(pick(body, ['release', 'constructor']), undefined);
  assert.equal(pick(body, ['__proto__']), undefined);
  assert.equal(pick('text', ['length']), undefined);
});

test('mapped fields override fixed values; absent fields leave them', () => {
  const mapping = { version: 'release.tag', env: 'target.env', count: 'n' };
  assert.deepEqual(
    mapParameters(mapping, { env: 'staging' }, { release: { tag: 'v3' }, n: 4, extra: 'ignored' }),
    {
      env: 'staging',
      version: 'v3',
      count: 4,
    },
  );
  assert.deepEqual(mapParameters(mapping, { env: 'staging' }, null), { env: 'staging' });
});
