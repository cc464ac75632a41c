/** `orca hosts import` against a fake API: which files it reads and sends, and how it shows the plan. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { orca, withApi } from '../../test/support/cli-harness.ts';

const plan = (applied: boolean) => ({
  applied,
  counts: { add: 1, change: 1, unchanged: 3, problems: 1 },
  hosts: [
    { name: 'web-9', action: 'add', address: '10.0.0.9', changes: [], source: 'config:3' },
    {
      name: 'db-1',
      action: 'change',
      address: '10.0.2.21',
      changes: [{ field: 'port', from: 22, to: 2222 }],
      source: 'config:9',
    },
  ],
  groups: [{ name: 'lab', action: 'add', addChildren: [], source: 'x' }],
  problems: [{ source: 'config:12', message: 'x: no user in the source; give a default user, left out' }],
  notes: [{ source: 'config:20', message: 'LocalForward: not used by orca, ignored' }],
});

test('an ssh config is sent with what it Includes; the preview says what would change', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-import-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'config.d'));
  await writeFile(join(dir, 'config'), 'Include config.d/*.conf\nHost a\n  HostName 10.0.0.1\n');
  await writeFile(join(dir, 'config.d', '10-lab.conf'), 'Host b\n  HostName 10.0.0.2\n');
  await writeFile(join(dir, 'config.d', 'notes.txt'), 'not included');
  const api = await withApi(t, {
    http: (req) => (req.path === '/hosts/import' ? { body: plan(false) } : undefined),
  });
  const r = await orca([
    'hosts',
    'import',
    join(dir, 'config'),
    '--format',
    'ssh-config',
    '--credential',
    'ops',
    '--url',
    api.url,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const body = api.requests.at(-1)?.body as {
    files: { name: string }[];
    main: string;
    credential: string;
    apply?: boolean;
  };
  assert.deepEqual(
    body.files.map((f) => f.name),
    ['config', 'config.d/10-lab.conf'],
  );
  assert.deepEqual([body.main, body.credential, body.apply], ['config', 'ops', undefined]);
  assert.match(r.stdout, /^would import: 1 to add, 1 to change, 3 unchanged, 1 left out\n/);
  assert.match(r.stdout, /change\s+db-1\s+10\.0\.2\.21\s+port: 22 → 2222/);
  assert.match(r.stdout, /left out {2}config:12: x: no user/);
  assert.match(r.stdout, /note {6}config:20: LocalForward/);
  assert.match(r.stdout, /run again with --apply/);
});

test('vm-config reads a directory of environments; --apply asks to write', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-import-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const env of ['prod', 'staging']) {
    await mkdir(join(dir, 'environments', env), { recursive: true });
    await writeFile(join(dir, 'environments', env, 'config.yml'), `vms:\n  ${env}-1:\n    host: 10.0.0.1\n`);
  }
  const api = await withApi(t, {
    http: (req) => (req.path === '/hosts/import' ? { body: plan(true) } : undefined),
  });
  const r = await orca(['hosts', 'import', dir, '--format', 'vm-config', '--apply', '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  const body = api.requests.at(-1)?.body as { files: { name: string }[]; apply: boolean };
  assert.deepEqual(
    body.files.map((f) => f.name),
    ['environments/prod/config.yml', 'environments/staging/config.yml'],
  );
  assert.equal(body.apply, true);
  assert.match(r.stdout, /^imported: /);
  const missing = await orca([
    'hosts',
    'import',
    join(dir, 'nope.ini'),
    '--format',
    'ansible-ini',
    '--url',
    api.url,
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
});
