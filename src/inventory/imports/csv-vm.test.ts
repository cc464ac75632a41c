import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseCsv } from './csv.ts';
import { parseVmConfig } from './vm-config.ts';

const fixture = (name: string) =>
  readFileSync(new URL(`../../../test/fixtures/inventory/${name}`, import.meta.url), 'utf8');

test('CSV: named columns, lists, labels from k=v and from unknown columns, quoting', () => {
  const r = parseCsv(fixture('hosts.csv'), 'hosts.csv');
  const by = Object.fromEntries(r.hosts.map((h) => [h.name, h]));
  assert.deepEqual(Object.keys(by), ['web-1', 'win, the first', 'db-1']);
  const web = by['web-1'];
  assert.deepEqual([web?.address, web?.port, web?.username, web?.os], ['10.0.1.11', 22, 'deploy', 'linux']);
  assert.deepEqual(
    [web?.groups, web?.tags],
    [
      ['web', 'prod'],
      ['nginx', 'frontend'],
    ],
  );
  assert.deepEqual(web?.labels, { rack: 'r12', env: 'prod', team: 'web' });
  assert.deepEqual([by['win, the first']?.os, by['win, the first']?.username], ['windows', 'ORCA\\svc']);
  assert.equal(by['db-1']?.address, 'db-1', 'the address defaults to the name');
  assert.deepEqual(
    r.notes.map((n) => [n.source, n.message]),
    [['hosts.csv:5', 'no name, row skipped']],
  );
  assert.throws(() => parseCsv('address\n10.0.0.1\n', 'x.csv'), /x\.csv:1: the header has no name column/);
  assert.throws(() => parseCsv('name,"a b"\nx,1\n', 'y.csv'), /not a valid label name/);
});

test('vm-config: each environment a group, its VMs hosts with env labels; leftovers reported', () => {
  const files = new Map(
    ['staging', 'prod'].map((env) => [
      `environments/${env}/config.yml`,
      fixture(`vm-config/environments/${env}/config.yml`),
    ]),
  );
  files.set('README.md', '# not an environment');
  const r = parseVmConfig(files);
  assert.deepEqual(
    r.hosts.map((h) => [h.name, h.address, h.username, h.port, h.groups, h.labels]),
    [
      ['prod-web-1', '10.20.0.11', 'ubuntu', 2222, ['prod'], { env: 'prod' }],
      ['stg-web-1', '10.10.0.11', 'ubuntu', undefined, ['staging'], { env: 'staging' }],
      ['stg-db-1', '10.10.0.21', 'admin', undefined, ['staging'], { env: 'staging' }],
    ],
  );
  assert.deepEqual(
    r.groups.map((g) => g.name),
    ['prod', 'staging'],
  );
  const notes = r.notes.map((n) => n.message).join('\n');
  assert.match(notes, /prod-broken: no host address, skipped/);
  assert.match(notes, /stg-db-1: memory is not used by orca/);
  assert.match(notes, /template ubuntu-22\.04: not used by orca/);
  assert.match(notes, /README\.md|not an environments/);
});
