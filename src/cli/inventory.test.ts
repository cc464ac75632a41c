/** `orca hosts`, `orca credentials` and `orca logs`. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { A, B, CRED, HOST, HOSTS, orca, RUN, withApi } from '../../test/support/cli-harness.ts';
import { fakeRun } from '../../test/support/fake-api.ts';

test('hosts add and test address credentials and hosts by name', async (t) => {
  const host = {
    id: HOST,
    name: 'web-1',
    address: '10.0.0.1',
    port: 2222,
    os: 'linux',
    transport: 'ssh',
    shell: 'sh',
    winrm: null,
    username: 'deploy',
    credentialName: 'ops',
    lastCheck: null,
    pendingHostKey: null,
    tags: [],
    labels: {},
    groups: [],
  };
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/credentials') return { body: [{ id: CRED, name: 'ops', kind: 'password' }] };
      if (req.path === '/hosts' && req.method === 'POST') return { status: 201, body: host };
      if (req.path === '/hosts') return { body: [host] };
      if (req.path === `/hosts/${HOST}/test`) {
        return {
          body: {
            ok: false,
            failureKind: 'auth',
            message: 'the host rejected the password for deploy',
            latencyMs: null,
          },
        };
      }
      return undefined;
    },
  });
  const add = await orca([
    'hosts',
    'add',
    'web-1',
    '--address',
    '10.0.0.1',
    '--port',
    '2222',
    '--user',
    'deploy',
    '--credential',
    'ops',
    '--url',
    api.url,
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.deepEqual(api.requests.find((q) => q.method === 'POST')?.body, {
    name: 'web-1',
    address: '10.0.0.1',
    port: 2222,
    username: 'deploy',
    credentialId: CRED,
  });
  const missing = await orca([
    'hosts',
    'add',
    'x',
    '--address',
    'a',
    '--user',
    'u',
    '--credential',
    'nope',
    '--url',
    api.url,
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no credential named nope/);

  const check = await orca(['hosts', 'test', 'web-1', '--url', api.url]);
  assert.deepEqual(
    [check.code, check.stdout],
    [1, 'web-1: auth: the host rejected the password for deploy\n'],
  );

  const list = await orca(['hosts', 'list', '--url', api.url]);
  assert.equal(
    list.stdout,
    'NAME   KIND       ADDRESS        USER    CREDENTIAL  HEALTH  OS  TAGS  LABELS  GROUPS\nweb-1  linux ssh  10.0.0.1:2222  deploy  ops         -       -   -     -       -\n',
  );
});

test('hosts add --jump names the bastion; list shows health, OS and the bastion, and filters; show prints facts', async (t) => {
  const host = {
    id: HOST,
    name: 'inner-1',
    address: '10.1.0.5',
    port: 22,
    os: 'linux',
    transport: 'ssh',
    shell: 'sh',
    winrm: null,
    username: 'deploy',
    credentialName: 'ops',
    hostKey: { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:abc' },
    pendingHostKey: null,
    lastCheck: null,
    tags: ['app'],
    labels: {},
    groups: [],
    jumpHost: 'jump-1',
    health: {
      status: 'up',
      latencyMs: 42,
      failureKind: null,
      message: 'connected as deploy in 42 ms',
      checkedAt: '2025-01-01T00:00:00Z',
    },
    facts: {
      hostname: 'inner-1.lan',
      os: 'Debian GNU/Linux',
      osVersion: '12',
      kernel: '6.1.0-18-amd64',
      arch: 'x86_64',
      gatheredAt: '2025-01-01T00:00:00Z',
    },
  };
  const down = {
    ...host,
    id: A,
    name: 'db-1',
    jumpHost: null,
    facts: null,
    health: {
      status: 'down',
      latencyMs: null,
      failureKind: 'timeout',
      message: 'timed out',
      checkedAt: null,
    },
  };
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/credentials') return { body: [{ id: CRED, name: 'ops', kind: 'password' }] };
      if (req.path === '/hosts' && req.method === 'POST') return { status: 201, body: host };
      if (req.path === '/hosts' && req.query.get('health') === 'down') return { body: [down] };
      if (req.path === '/hosts') return { body: [down, host] };
      return undefined;
    },
  });
  const add = await orca([
    'hosts',
    'add',
    'inner-1',
    '--address',
    '10.1.0.5',
    '--user',
    'deploy',
    '--credential',
    'ops',
    '--jump',
    'jump-1',
    '--url',
    api.url,
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /, via jump-1\)\n$/);
  const posted = api.requests.find((q) => q.method === 'POST')?.body as { jumpHost?: string } | undefined;
  assert.equal(posted?.jumpHost, 'jump-1');

  const list = await orca(['hosts', 'list', '--url', api.url]);
  assert.equal(
    list.stdout,
    [
      'NAME     KIND       ADDRESS                 USER    CREDENTIAL  HEALTH          OS                          TAGS  LABELS  GROUPS',
      'db-1     linux ssh  10.1.0.5:22             deploy  ops         down (timeout)  -                           app   -       -',
      'inner-1  linux ssh  10.1.0.5:22 via jump-1  deploy  ops         up 42ms         Debian GNU/Linux 12 x86_64  app   -       -',
      '',
    ].join('\n'),
  );
  const filtered = await orca(['hosts', 'list', '--health', 'down', '--url', api.url]);
  assert.match(filtered.stdout, /^NAME.*\ndb-1 .*\n$/);
  const bad = await orca(['hosts', 'list', '--health', 'sideways', '--url', api.url]);
  assert.equal(bad.code, 2);

  const show = await orca(['hosts', 'show', 'inner-1', '--url', api.url]);
  assert.equal(show.code, 0, show.stderr);
  for (const line of [
    /^jump host: +jump-1$/m,
    /^health: +up 42ms$/m,
    /^hostname: +inner-1\.lan$/m,
    /^os: +Debian GNU\/Linux 12$/m,
    /^kernel: +6\.1\.0-18-amd64$/m,
    /^arch: +x86_64$/m,
  ]) {
    assert.match(show.stdout, line);
  }
  const showDown = await orca(['hosts', 'show', 'db-1', '--url', api.url]);
  assert.match(showDown.stdout, /^failure: +timed out$/m);
  assert.match(showDown.stdout, /^hostname: +-$/m);
});

test('hosts add registers a Windows host over WinRM HTTPS with the CA read from a file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const ca = join(dir, 'ca.pem');
  await writeFile(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const host = {
    id: HOST,
    name: 'win-1',
    address: '10.0.0.9',
    port: 5986,
    os: 'windows',
    transport: 'winrm',
    shell: 'powershell',
    winrm: { https: true, auth: 'negotiate', allowUnencrypted: false, caCert: 'x', skipVerify: false },
    username: 'LAB\\ops',
    credentialName: 'ops',
    lastCheck: null,
    pendingHostKey: null,
    tags: [],
    labels: {},
    groups: [],
  };
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/credentials') return { body: [{ id: CRED, name: 'ops', kind: 'password' }] };
      if (req.path === '/hosts' && req.method === 'POST') return { status: 201, body: host };
      if (req.path === '/hosts') return { body: [host] };
      return undefined;
    },
  });
  const args = ['--address', '10.0.0.9', '--user', 'LAB\\ops', '--credential', 'ops', '--url', api.url];
  const add = await orca(['hosts', 'add', 'win-1', '--os', 'windows', '--https', '--ca-cert', ca, ...args]);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /windows winrm https/);
  assert.deepEqual(api.requests.find((q) => q.method === 'POST')?.body, {
    name: 'win-1',
    address: '10.0.0.9',
    os: 'windows',
    winrm: { https: true, caCert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
    username: 'LAB\\ops',
    credentialId: CRED,
  });
  const list = await orca(['hosts', 'list', '--url', api.url]);
  assert.match(list.stdout, /win-1\s+windows winrm https/);
  const bad = await orca(['hosts', 'add', 'w', '--os', 'solaris', ...args]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /solaris/);
  const missing = await orca([
    'hosts',
    'add',
    'w',
    '--os',
    'windows',
    '--ca-cert',
    join(dir, 'nope.pem'),
    ...args,
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.pem/);
});

test('credential secrets come from stdin or a file, never argv', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-key-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const api = await withApi(t, {
    http: (req) =>
      req.method === 'POST'
        ? { status: 201, body: { ...(req.body as object), id: CRED, fingerprint: null } }
        : undefined,
  });
  const pw = await orca(['credentials', 'add', 'ops', '--password-stdin', '--url', api.url], {
    stdin: 'hunter2\n',
  });
  assert.equal(pw.code, 0, pw.stderr);
  assert.deepEqual(api.requests[0]?.body, { name: 'ops', kind: 'password', password: 'hunter2' });

  await writeFile(join(dir, 'id_ed25519'), 'KEY MATERIAL\n');
  const key = await orca(
    [
      'credentials',
      'add',
      'deploy',
      '--key-file',
      join(dir, 'id_ed25519'),
      '--passphrase-stdin',
      '--url',
      api.url,
    ],
    {
      stdin: 'phrase\n',
    },
  );
  assert.equal(key.code, 0, key.stderr);
  assert.deepEqual(api.requests[1]?.body, {
    name: 'deploy',
    kind: 'ssh-key',
    privateKey: 'KEY MATERIAL\n',
    passphrase: 'phrase',
  });

  const both = await orca([
    'credentials',
    'add',
    'x',
    '--password-stdin',
    '--key-file',
    'k',
    '--url',
    api.url,
  ]);
  assert.equal(both.code, 2);
  const empty = await orca(['credentials', 'add', 'x', '--password-stdin', '--url', api.url], { stdin: '' });
  assert.equal(empty.code, 2);
  assert.equal(api.requests.length, 2);
});

test('logs pages through the stored output of every host', async (t) => {
  const page = (executionId: string, from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({
      executionId,
      seq: from + i,
      kind: 'stdout',
      data: `line ${from + i}\n`,
      at: 'x',
    }));
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === `/runs/${RUN}`) return { body: fakeRun(RUN, 'succeeded', HOSTS) };
      if (req.path === `/runs/${RUN}/log`) {
        const after = Number(req.query.get('after'));
        if (req.query.get('execution') === A) {
          return after === 0
            ? { body: { events: page(A, 1, 2), more: true } }
            : { body: { events: page(A, 3, 3), more: false } };
        }
        return { body: { events: [], more: false } };
      }
      return undefined;
    },
  });
  const r = await orca(['logs', RUN, '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'web-1  | line 1\nweb-1  | line 2\nweb-1  | line 3\n');
  assert.deepEqual(
    api.requests.filter((q) => q.path.endsWith('/log')).map((q) => q.query.toString()),
    [
      `execution=${A}&after=0&limit=1000`,
      `execution=${A}&after=2&limit=1000`,
      `execution=${B}&after=0&limit=1000`,
    ],
  );
});
