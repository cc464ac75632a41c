import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globToRegExp, matchHosts } from './targets.ts';

const hosts = ['web-2', 'web-1', 'db-1', 'web.10'].map((name, i) => ({
  id: `00000000-0000-4000-8000-00000000000${i}`,
  name,
}));

test('globs match whole names; other characters are literal', () => {
  assert.ok(globToRegExp('web-*').test('web-1'));
  assert.ok(!globToRegExp('web-*').test('xweb-1'));
  assert.ok(globToRegExp('web.?0').test('web.10'));
  assert.ok(!globToRegExp('web.*').test('web-1'), 'a dot is a dot');
  assert.ok(!globToRegExp('(a|b)').test('a'));
});

test('names and patterns pick each host once, in the order given, and report what matched nothing', () => {
  const r = matchHosts(hosts, ['db-1', 'web-*', 'web-1', 'nope', 'x-*']);
  assert.deepEqual(
    r.hosts.map((h) => h.name),
    ['db-1', 'web-1', 'web-2'],
  );
  assert.deepEqual(r.unmatched, ['nope', 'x-*']);
});

test('a host id selects that host', () => {
  const id = hosts[2]?.id ?? '';
  assert.deepEqual(
    matchHosts(hosts, [id.toUpperCase()]).hosts.map((h) => h.name),
    ['db-1'],
  );
});
