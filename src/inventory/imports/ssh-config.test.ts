import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseSshConfig } from './ssh-config.ts';
import { ImportError } from './types.ts';

const dir = new URL('../../../test/fixtures/inventory/ssh/', import.meta.url);
const files = new Map([
  ['config', readFileSync(new URL('config', dir), 'utf8')],
  ['config.d/10-lab.conf', readFileSync(new URL('config.d/10-lab.conf', dir), 'utf8')],
]);

test('concrete Host aliases become hosts, settings computed as OpenSSH does (first value wins)', () => {
  const r = parseSshConfig(files, 'config');
  const by = Object.fromEntries(r.hosts.map((h) => [h.name, h]));
  assert.deepEqual(Object.keys(by), ['lab-win', 'bastion', 'web-1', 'web-2', 'db-1', 'cache.internal']);
  assert.deepEqual(
    [by['web-1']?.address, by['web-1']?.username, by['web-1']?.port],
    ['10.0.1.11', 'deploy', 2201],
  );
  assert.deepEqual(
    [by['web-2']?.address, by['web-2']?.username, by['web-2']?.port],
    ['10.0.1.12', 'deploy', 22],
  );
  assert.deepEqual(
    [by.bastion?.address, by.bastion?.username, by.bastion?.port],
    ['bastion.example.net', 'jump', 2222],
  );
  assert.equal(by['db-1']?.jumpHost, 'bastion');
  assert.equal(by['db-1']?.username, 'postgres');
  // A wildcard block applies: cache.internal goes through the bastion; its own User wins.
  assert.deepEqual([by['cache.internal']?.jumpHost, by['cache.internal']?.username], ['bastion', 'redis']);
  // From the Include: the concrete block's User comes first, so lab-* does not override it.
  assert.deepEqual([by['lab-win']?.address, by['lab-win']?.username], ['192.168.50.5', 'Administrator']);
  assert.equal(by['lab-win']?.source, 'config.d/10-lab.conf:1');
  assert.deepEqual(by.bastion?.identityFiles, ['~/.ssh/jump_ed25519']);
});

test('what orca does not take is reported with its line, and Match is never evaluated', () => {
  const r = parseSshConfig(files, 'config');
  const notes = r.notes.map((n) => `${n.source} ${n.message}`);
  assert.ok(
    notes.some((n) => /^config:25 LocalForward: not used by orca/.test(n)),
    notes.join('\n'),
  );
  assert.ok(
    notes.some((n) => /^config:33 Match host legacy exec .*not evaluated/.test(n)),
    notes.join('\n'),
  );
  assert.ok(
    notes.some((n) => /bastion: IdentityFile ~\/\.ssh\/jump_ed25519: orca does not read keys/.test(n)),
  );
  assert.ok(!notes.some((n) => /ServerAliveInterval|Compression/.test(n)), 'harmless settings are not noise');
  assert.ok(!r.hosts.some((h) => h.username === 'root'), 'the Match block contributed nothing');
});

test('files uploaded by base name still satisfy an Include with a directory', () => {
  const flat = new Map([
    ['config', files.get('config') ?? ''],
    ['10-lab.conf', files.get('config.d/10-lab.conf') ?? ''],
  ]);
  const r = parseSshConfig(flat, 'config');
  assert.ok(r.hosts.some((h) => h.name === 'lab-win' && h.source === '10-lab.conf:1'));
});

test('a missing Include is a note; a missing main file or an Include loop is an error', () => {
  const only = new Map([['config', 'Include other.conf\nHost a\n  HostName 10.0.0.1\n']]);
  const r = parseSshConfig(only, 'config');
  assert.deepEqual(
    r.hosts.map((h) => h.address),
    ['10.0.0.1'],
  );
  assert.match(r.notes[0]?.message ?? '', /Include other\.conf: not in the import/);
  assert.throws(() => parseSshConfig(only, 'nope'), ImportError);
  const loop = new Map([['config', 'Include config\n']]);
  assert.throws(() => parseSshConfig(loop, 'config'), /too deep/);
});
