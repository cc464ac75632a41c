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
    username: 'deploy',
    credentialName: 'ops',
    lastCheck: null,
    pendingHostKey: null,
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
    'NAME   ADDRESS        USER    CREDENTIAL  LAST CHECK\nweb-1  10.0.0.1:2222  deploy  ops         -\n',
  );
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
