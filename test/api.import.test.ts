/**
 * Inventory imports through the API, from real files: preview, apply, and apply again (nothing
 * changes), for ~/.ssh/config with Include and ProxyJump, Ansible INI and YAML with nested groups,
 * CSV and vm-config; and an imported host that a run then reaches on a real sshd.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { addPasswordCredential, output, startRun, waitForRun } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;

const fixture = (path: string) =>
  readFileSync(new URL(`./fixtures/inventory/${path}`, import.meta.url), 'utf8');

interface PlanView {
  applied: boolean;
  counts: { add: number; change: number; unchanged: number; problems: number };
  hosts: {
    name: string;
    action: string;
    address: string;
    changes: { field: string; from: unknown; to: unknown }[];
  }[];
  groups: { name: string; action: string; addChildren: string[] }[];
  problems: { source: string; message: string }[];
  notes: { source: string; message: string }[];
}

interface HostView {
  name: string;
  address: string;
  port: number;
  username: string;
  os: string;
  transport: string;
  jumpHost: string | null;
  tags: string[];
  labels: Record<string, string>;
  groups: string[];
}

before(async () => {
  [app, sshd] = await Promise.all([startTestApp(), startSshd()]);
  await addPasswordCredential(app, 'fleet-pw', sshd.password);
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
});

async function importHosts(body: Record<string, unknown>): Promise<PlanView> {
  const res = await app.api('/hosts/import', { body });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as PlanView;
}

async function hosts(): Promise<Record<string, HostView>> {
  const list = (await (await app.api('/hosts')).json()) as HostView[];
  return Object.fromEntries(list.map((h) => [h.name, h]));
}

const sshFiles = [
  { name: 'config', content: fixture('ssh/config') },
  { name: 'config.d/10-lab.conf', content: fixture('ssh/config.d/10-lab.conf') },
];

test('~/.ssh/config: a preview writes nothing, apply adds, a second apply changes nothing', async () => {
  const preview = await importHosts({ format: 'ssh-config', files: sshFiles, credential: 'fleet-pw' });
  assert.equal(preview.applied, false);
  assert.deepEqual(preview.counts, { add: 6, change: 0, unchanged: 0, problems: 0 });
  assert.ok(preview.notes.some((n) => n.source === 'config:25' && /LocalForward/.test(n.message)));
  assert.equal(Object.keys(await hosts()).length, 0, 'a preview writes nothing');

  const applied = await importHosts({
    format: 'ssh-config',
    files: sshFiles,
    credential: 'fleet-pw',
    apply: true,
  });
  assert.equal(applied.applied, true);
  const h = await hosts();
  assert.deepEqual(
    [h['db-1']?.address, h['db-1']?.username, h['db-1']?.jumpHost, h['db-1']?.port],
    ['10.0.2.21', 'postgres', 'bastion', 22],
  );
  assert.deepEqual(
    [h.bastion?.address, h.bastion?.port, h.bastion?.username],
    ['bastion.example.net', 2222, 'jump'],
  );
  assert.equal(h['cache.internal']?.jumpHost, 'bastion');

  const again = await importHosts({
    format: 'ssh-config',
    files: sshFiles,
    credential: 'fleet-pw',
    apply: true,
  });
  assert.deepEqual(again.counts, { add: 0, change: 0, unchanged: 6, problems: 0 });
});

test('Ansible INI: nested groups, precedence, Windows over WinRM; the selector sees the groups', async () => {
  const files = [{ name: 'hosts.ini', content: fixture('ansible/hosts.ini') }];
  const plan = await importHosts({ format: 'ansible-ini', files, credential: 'fleet-pw', apply: true });
  assert.equal(plan.counts.add, 8);
  assert.deepEqual(plan.groups.map((g) => [g.name, g.action]).sort(), [
    ['db', 'add'],
    ['prod', 'add'],
    ['web', 'add'],
    ['windows', 'add'],
  ]);
  const h = await hosts();
  assert.deepEqual(
    [h['win-app1']?.os, h['win-app1']?.transport, h['win-app1']?.port, h['win-app1']?.username],
    ['windows', 'winrm', 5986, 'ORCA\\svc'],
  );
  assert.deepEqual(h.db1?.labels, { env: 'prod', ntp: 'pool.ntp.org', role: 'primary' });
  assert.deepEqual(h.db1?.groups, ['db']);
  const resolved = (await (
    await app.api('/hosts/resolve', { body: { selector: 'group:prod and not group:web' } })
  ).json()) as { hosts: { name: string }[] };
  assert.deepEqual(resolved.hosts.map((x) => x.name).sort(), ['db1', 'db2', 'win-app1']);
  assert.ok(plan.notes.some((n) => /db2: ansible_password is a secret/.test(n.message)));
  const again = await importHosts({ format: 'ansible-ini', files, credential: 'fleet-pw', apply: true });
  assert.deepEqual([again.counts.change, again.counts.add], [0, 0]);
  assert.ok(again.groups.every((g) => g.action === 'unchanged'));
});

test('Ansible YAML, CSV and vm-config apply too; a changed source shows each field that changes', async () => {
  await importHosts({
    format: 'ansible-yaml',
    files: [{ name: 'hosts.yml', content: fixture('ansible/hosts.yml') }],
    credential: 'fleet-pw',
    apply: true,
  });
  const groups = (await (await app.api('/groups')).json()) as { name: string; children: string[] }[];
  assert.deepEqual(groups.find((g) => g.name === 'eu')?.children.sort(), ['eu_db', 'eu_web']);

  const csv = fixture('hosts.csv');
  const first = await importHosts({
    format: 'csv',
    files: [{ name: 'hosts.csv', content: csv }],
    credential: 'fleet-pw',
    apply: true,
  });
  // web-1 and db-1 came from the ssh config already; a name with a comma is not a host name.
  assert.deepEqual(first.counts, { add: 0, change: 2, unchanged: 0, problems: 1 });
  assert.match(first.problems[0]?.message ?? '', /^win, the first: not a valid host name/);
  assert.deepEqual((await hosts())['web-1']?.tags.sort(), ['frontend', 'nginx']);
  const changed = await importHosts({
    format: 'csv',
    files: [{ name: 'hosts.csv', content: csv.replace('10.0.1.11,22', '10.0.1.99,2200') }],
  });
  const web = changed.hosts.find((x) => x.name === 'web-1');
  assert.equal(web?.action, 'change');
  assert.deepEqual(
    web?.changes.map((c) => [c.field, c.from, c.to]),
    [
      ['address', '10.0.1.11', '10.0.1.99'],
      ['port', 22, 2200],
    ],
  );

  const vm = await importHosts({
    format: 'vm-config',
    files: ['staging', 'prod'].map((env) => ({
      name: `environments/${env}/config.yml`,
      content: fixture(`vm-config/environments/${env}/config.yml`),
    })),
    credential: 'fleet-pw',
    apply: true,
  });
  assert.equal(vm.counts.add, 3);
  const h = await hosts();
  assert.deepEqual(
    [h['stg-db-1']?.username, h['stg-db-1']?.labels, h['stg-db-1']?.groups],
    ['admin', { env: 'staging' }, ['staging']],
  );
});

test('an imported host is reachable: whoami through a run on a real sshd', async () => {
  const config = `Host imported-1\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n`;
  await importHosts({
    format: 'ssh-config',
    files: [{ name: 'config', content: config }],
    credential: 'fleet-pw',
    apply: true,
  });
  const run = await startRun(app, 'whoami', ['imported-1']);
  const done = await waitForRun(app, run.id);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.executions));
  assert.equal(await output(app, run.id, done.executions[0]!.id), `${sshd.user}\n`);
});

test('bad imports are refused with the field named, and nothing is written', async () => {
  const before = Object.keys(await hosts()).length;
  const cases: [Record<string, unknown>, string][] = [
    [{ format: 'puppet', files: [{ name: 'x', content: '' }] }, 'body.format'],
    [{ format: 'ansible-yaml', files: [{ name: 'bad.yml', content: 'all: [1, 2' }] }, 'body.files'],
    [
      {
        format: 'csv',
        files: [{ name: 'new.csv', content: 'name,address\nbrand-new,10.9.0.1\n' }],
        apply: true,
        defaultUser: 'x',
      },
      'body.credential',
    ],
    [
      { format: 'csv', files: [{ name: 'a.csv', content: 'name\nx\n' }], credential: 'no-such-credential' },
      'body.credential',
    ],
    [{ format: 'csv', files: [], apply: true }, 'body.files'],
  ];
  for (const [body, path] of cases) {
    const res = await app.api('/hosts/import', { body });
    assert.equal(res.status, 400, JSON.stringify(body));
    const error = ((await res.json()) as { error: { details: { path: string }[] } }).error;
    assert.ok(
      error.details.some((d) => d.path.startsWith(path)),
      `${JSON.stringify(body)}: ${JSON.stringify(error.details)}`,
    );
  }
  assert.equal(Object.keys(await hosts()).length, before);
  const noUser = await importHosts({ format: 'csv', files: [{ name: 'n.csv', content: 'name\nlonely\n' }] });
  assert.deepEqual(
    noUser.problems.map((p) => p.message),
    ['lonely: no user in the source; give a default user, left out'],
  );
});
