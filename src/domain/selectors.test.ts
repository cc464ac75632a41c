import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatSelector,
  parseSelector,
  type SelectableHost,
  SelectorError,
  selectHosts,
} from './selectors.ts';

const host = (name: string, o: Partial<SelectableHost> = {}): SelectableHost => ({
  name,
  tags: [],
  labels: {},
  groups: [],
  os: 'linux',
  transport: 'ssh',
  ...o,
});

const fleet: SelectableHost[] = [
  host('web-1', {
    tags: ['web', 'nginx'],
    labels: { env: 'prod', team: 'edge' },
    groups: ['frontend', 'all'],
  }),
  host('web-2', { tags: ['web'], labels: { env: 'staging' }, groups: ['frontend', 'all'] }),
  host('db-1', { tags: ['db'], labels: { env: 'prod', 'k8s.io/zone': 'eu west' }, groups: ['all'] }),
  host('db-10', { tags: ['db', 'legacy'], labels: {} }),
  host('win-1', { os: 'windows', transport: 'winrm', tags: ['web'], labels: { env: 'prod' } }),
  host('and', { tags: ['odd'] }),
];

const pick = (s: string) => selectHosts(fleet, s).map((h) => h.name);

function fails(input: string, position: number, includes: string) {
  try {
    parseSelector(input);
  } catch (e) {
    assert.ok(e instanceof SelectorError, String(e));
    assert.equal(e.position, position, `${input}: ${e.message}`);
    assert.ok(e.message.includes(includes), `${input}: ${e.message} lacks ${includes}`);
    assert.ok(e.message.startsWith(`selector: at ${position}: `), e.message);
    return;
  }
  assert.fail(`${input} parsed`);
}

test('bare words and globs match host names', () => {
  assert.deepEqual(pick('web-*'), ['web-1', 'web-2']);
  assert.deepEqual(pick('db-?'), ['db-1']);
  assert.deepEqual(pick('db-1'), ['db-1']);
  assert.deepEqual(pick('name:db-*'), ['db-1', 'db-10']);
  assert.deepEqual(pick('nope'), []);
});

test('tags, labels, groups, os and transport', () => {
  assert.deepEqual(pick('tag:web'), ['web-1', 'web-2', 'win-1']);
  assert.deepEqual(pick('env=prod'), ['web-1', 'db-1', 'win-1']);
  assert.deepEqual(pick('env=prod*'), ['web-1', 'db-1', 'win-1']);
  assert.deepEqual(pick('env=st*'), ['web-2']);
  assert.deepEqual(pick('env!=prod'), ['web-2', 'db-10', 'and'], 'a host without the label is not prod');
  assert.deepEqual(pick('k8s.io/zone="eu west"'), ['db-1']);
  assert.deepEqual(pick('group:all'), ['web-1', 'web-2', 'db-1']);
  assert.deepEqual(pick('group:front*'), ['web-1', 'web-2']);
  assert.deepEqual(pick('os:windows'), ['win-1']);
  assert.deepEqual(pick('transport:SSH and tag:web'), ['web-1', 'web-2']);
});

test('not binds tighter than and, and tighter than or; parentheses and commas', () => {
  assert.deepEqual(pick('tag:web and env=prod'), ['web-1', 'win-1']);
  assert.deepEqual(pick('tag:db or tag:web and env=staging'), ['web-2', 'db-1', 'db-10']);
  assert.deepEqual(pick('(tag:db or tag:web) and env=prod'), ['web-1', 'db-1', 'win-1']);
  assert.deepEqual(pick('not tag:web and not tag:odd'), ['db-1', 'db-10']);
  assert.deepEqual(pick('not (tag:web or tag:db)'), ['and']);
  assert.deepEqual(pick('db-1, web-2'), ['web-2', 'db-1']);
  assert.deepEqual(pick('tag:web AND NOT os:windows Or db-10'), ['web-1', 'web-2', 'db-10']);
  assert.deepEqual(pick('not not db-1'), ['db-1']);
});

test('quoted text is literal: a host named like a keyword, a glob character kept as is', () => {
  assert.deepEqual(pick('"and"'), ['and']);
  assert.deepEqual(pick('name:"web-*"'), []);
  assert.deepEqual(pick('tag:"legacy"'), ['db-10']);
  assert.deepEqual(
    selectHosts([host('a', { labels: { note: 'say "hi"' } })], 'note="say \\"hi\\""').map((h) => h.name),
    ['a'],
  );
});

test('errors say where and what was expected', () => {
  fails('web-* and', 10, 'expected a term after "and"');
  fails('', 1, 'expected a term');
  fails('tag:web or', 11, 'expected a term after "or"');
  fails('(tag:web', 9, 'expected ")" to close the "(" at 1');
  fails('tag:web)', 8, 'closes nothing');
  fails('web-1 web-2', 7, 'expected "and", "or", "," or the end before "web-2"');
  fails('env=', 5, 'expected a value after "="');
  fails('os:mac', 1, 'expected os:linux or os:windows');
  fails('transport:telnet', 1, 'transport:ssh or transport:winrm');
  fails('tag:', 5, 'expected a value after "tag:"');
  fails('tag:a/b', 1, 'expected a tag');
  fails('name="x', 6, 'closing "');
  fails('!db', 1, '"!="');
  fails('not', 4, 'expected a term after "not"');
  fails('a, , b', 4, 'expected a term after ","');
  fails('bad key=x', 5, 'expected "and"');
  fails(`${'('.repeat(70)}a${')'.repeat(70)}`, 65, 'nested parentheses');
  fails(`k=${'v'.repeat(257)}`, 3, 'at most 256');
});

test('a parsed selector written back parses to the same tree', () => {
  for (const s of [
    'web-* and not (tag:db or env!="a b")',
    'not (a and b) or c, d',
    '(a or b) and (c or not d)',
    'group:"x" and os:windows and transport:winrm',
  ]) {
    const tree = parseSelector(s);
    assert.deepEqual(parseSelector(formatSelector(tree)), tree, s);
  }
});
