import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { expandHostPattern, parseAnsibleIni, parseAnsibleYaml } from './ansible.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/inventory/ansible/${name}`, import.meta.url), 'utf8');

test('host ranges expand as Ansible expands them', () => {
  assert.deepEqual(expandHostPattern('web[01:03].x'), ['web01.x', 'web02.x', 'web03.x']);
  assert.deepEqual(expandHostPattern('db-[a:c]'), ['db-a', 'db-b', 'db-c']);
  assert.deepEqual(expandHostPattern('n[1:7:3]'), ['n1', 'n4', 'n7']);
  assert.deepEqual(expandHostPattern('r[1:2]-[a:b]'), ['r1-a', 'r1-b', 'r2-a', 'r2-b']);
  assert.deepEqual(expandHostPattern('plain'), ['plain']);
});

test('INI: groups, children and vars with Ansible precedence; winrm makes Windows hosts', () => {
  const r = parseAnsibleIni(fixture('hosts.ini'), 'hosts.ini');
  const by = Object.fromEntries(r.hosts.map((h) => [h.name, h]));
  assert.equal(r.hosts.length, 8);
  assert.deepEqual(
    ['web01.example.net', 'web02.example.net', 'web03.example.net'].map((n) => by[n]?.groups),
    [['web'], ['web'], ['web']],
  );
  // prod:vars (a parent) gives ops to web hosts; db1's own ansible_user wins.
  assert.deepEqual(
    [by['web02.example.net']?.username, by.db1?.username, by.db2?.username],
    ['ops', 'postgres', 'ops'],
  );
  assert.deepEqual(
    [by['web-canary.example.net']?.address, by['web-canary.example.net']?.port],
    ['10.0.1.50', 2202],
  );
  // windows:vars (the child) beats prod:vars (its parent).
  const win = by['win-app1'];
  assert.deepEqual(
    [win?.os, win?.transport, win?.winrmHttps, win?.port, win?.username, win?.address],
    ['windows', 'winrm', true, 5986, 'ORCA\\svc', '10.0.3.31'],
  );
  assert.deepEqual(by.db1?.labels, { env: 'prod', ntp: 'pool.ntp.org', role: 'primary' });
  assert.deepEqual([by['bastion.example.net']?.username, by['bastion.example.net']?.groups], ['jump', []]);
  assert.deepEqual(r.groups.map((g) => [g.name, [...g.children]]).sort(), [
    ['db', []],
    ['prod', ['web', 'db', 'windows']],
    ['web', []],
    ['windows', []],
  ]);
  const notes = r.notes.map((n) => `${n.source} ${n.message}`);
  assert.ok(
    notes.some((n) => /^hosts\.ini:10 db2: ansible_password is a secret/.test(n)),
    notes.join('\n'),
  );
  assert.ok(!notes.some((n) => /python_interpreter/.test(n)));
});

test('YAML: nested children, ranges, host vars over group vars; unknown keys and secrets reported', () => {
  const r = parseAnsibleYaml(fixture('hosts.yml'), 'hosts.yml');
  const by = Object.fromEntries(r.hosts.map((h) => [h.name, h]));
  assert.deepEqual(Object.keys(by).sort(), ['eu-db-1', 'eu-web-a', 'eu-web-b', 'eu-web-c', 'lab-win']);
  assert.deepEqual(
    [by['eu-web-b']?.port, by['eu-web-b']?.username, by['eu-web-b']?.groups],
    [2222, 'ops', ['eu_web']],
  );
  assert.deepEqual(by['eu-web-b']?.labels, { region: 'eu-west', tier: 'frontend' });
  assert.deepEqual([by['eu-db-1']?.address, by['eu-db-1']?.username], ['10.20.0.5', 'postgres']);
  assert.deepEqual([by['lab-win']?.os, by['lab-win']?.transport], ['windows', 'winrm']);
  assert.deepEqual(r.groups.map((g) => [g.name, [...g.children]]).sort(), [
    ['eu', ['eu_web', 'eu_db']],
    ['eu_db', []],
    ['eu_web', []],
    ['lab', []],
  ]);
  const notes = r.notes.map((n) => n.message).join('\n');
  assert.match(notes, /bogus: not an inventory key/);
  assert.match(notes, /lab-win: ansible_become_password is a secret/);
});

test('a group that contains itself and malformed YAML are errors naming the place', () => {
  assert.throws(() => parseAnsibleIni('[a:children]\nb\n[b:children]\na\n', 'loop.ini'), /contains itself/);
  assert.throws(() => parseAnsibleYaml('all: [1, 2', 'bad.yml'), /bad\.yml: not valid YAML/);
  assert.throws(() => parseAnsibleYaml('- a\n- b\n', 'list.yml'), /mapping of groups/);
});
