/** `orca hosts` with tags, labels and selectors, `orca hosts tag|untag|delete`, `orca groups`, --selector on runs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { A, B, CRED, HOST, orca, RUN, withApi } from '../../test/support/cli-harness.ts';
import { fakeRun } from '../../test/support/fake-api.ts';

const host = (name: string, o: Record<string, unknown> = {}) => ({
  id: name === 'web-1' ? HOST : A,
  name,
  address: '10.0.0.1',
  port: 22,
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
  ...o,
});

test('hosts add takes tags, labels and groups; list filters with a selector and shows them', async (t) => {
  const web = host('web-1', { tags: ['web', 'nginx'], labels: { env: 'prod' }, groups: ['eu'] });
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/credentials') return { body: [{ id: CRED, name: 'ops', kind: 'password' }] };
      if (req.path === '/hosts' && req.method === 'POST') return { status: 201, body: web };
      if (req.path === '/hosts') return { body: [web] };
      return undefined;
    },
  });
  const add = await orca([
    'hosts',
    'add',
    'web-1',
    '--address',
    '10.0.0.1',
    '--user',
    'deploy',
    '--credential',
    'ops',
    '--tag',
    'web',
    '--tag',
    'nginx',
    '--label',
    'env=prod',
    '--label',
    'note=a=b',
    '--group',
    'eu',
    '--url',
    api.url,
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.deepEqual(api.requests.find((q) => q.method === 'POST')?.body, {
    name: 'web-1',
    address: '10.0.0.1',
    username: 'deploy',
    credentialId: CRED,
    tags: ['web', 'nginx'],
    labels: { env: 'prod', note: 'a=b' },
    groups: ['eu'],
  });
  const bad = await orca([
    'hosts',
    'add',
    'x',
    '--address',
    'a',
    '--user',
    'u',
    '--credential',
    'ops',
    '--label',
    'nokey',
    '--url',
    api.url,
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--label nokey: write key=value/);

  const list = await orca(['hosts', 'list', '--selector', 'tag:web and env=prod', '--url', api.url]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(api.requests.at(-1)?.query.get('selector'), 'tag:web and env=prod');
  assert.match(list.stdout, /web-1 .* web,nginx +env=prod +eu\n$/);
});

test('hosts tag, untag and delete send one bulk operation; delete shows the hosts first without --yes', async (t) => {
  const picked = [
    { id: HOST, name: 'web-1' },
    { id: A, name: 'web-2' },
  ];
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/hosts/bulk') {
        const b = req.body as { action: string };
        return { body: { action: b.action, hosts: picked, checks: [] } };
      }
      if (req.path === '/hosts/resolve') {
        return {
          body: { hosts: picked.map((h) => ({ ...h, os: 'linux', transport: 'ssh' })), unmatched: [] },
        };
      }
      return undefined;
    },
  });
  const tag = await orca(['hosts', 'tag', 'web-*', 'patch', 'kernel', '--url', api.url]);
  assert.equal(tag.code, 0, tag.stderr);
  assert.equal(tag.stdout, 'tagged 2 host(s) patch, kernel: web-1, web-2\n');
  assert.deepEqual(api.requests.at(-1)?.body, {
    action: 'tag',
    selector: 'web-*',
    tags: ['patch', 'kernel'],
  });
  const untag = await orca(['hosts', 'untag', 'group:eu', 'patch', '--url', api.url]);
  assert.deepEqual(api.requests.at(-1)?.body, { action: 'untag', selector: 'group:eu', tags: ['patch'] });
  assert.match(untag.stdout, /^untagged 2 host\(s\) patch/);

  const ask = await orca(['hosts', 'delete', 'tag:old', '--url', api.url]);
  assert.equal(ask.code, 2);
  assert.match(ask.stderr, /this would delete 2 host\(s\): web-1, web-2; add --yes/);
  assert.ok(
    !api.requests.some((q) => q.path === '/hosts/bulk' && (q.body as { action: string }).action === 'delete'),
  );
  const del = await orca(['hosts', 'delete', 'tag:old', '--yes', '--url', api.url]);
  assert.equal(del.code, 0, del.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, { action: 'delete', selector: 'tag:old' });
  assert.equal(del.stdout, 'deleted 2 host(s): web-1, web-2\n');
});

test('hosts test with a selector checks every host it picks and fails if one fails', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/hosts') return { body: [host('web-1')] };
      if (req.path === '/hosts/bulk') {
        return {
          body: {
            action: 'test',
            hosts: [],
            checks: [
              {
                hostId: HOST,
                hostName: 'web-1',
                checkId: A,
                result: {
                  ok: true,
                  failureKind: null,
                  message: '',
                  latencyMs: 12,
                  checkedAt: '2025-01-01T00:00:00Z',
                },
              },
              {
                hostId: B,
                hostName: 'web-2',
                checkId: B,
                result: {
                  ok: false,
                  failureKind: 'unreachable',
                  message: 'connection refused',
                  latencyMs: null,
                  checkedAt: '2025-01-01T00:00:00Z',
                },
              },
            ],
          },
        };
      }
      return undefined;
    },
  });
  const r = await orca(['hosts', 'test', 'tag:web', '--url', api.url]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'web-1: ok 12ms\nweb-2: unreachable: connection refused\n');
  assert.deepEqual(api.requests.at(-1)?.body, { action: 'test', selector: 'tag:web' });
});

test('groups create, add, remove and delete address groups by name', async (t) => {
  const eu = {
    id: B,
    name: 'eu',
    description: '',
    hosts: ['web-1'],
    children: ['eu-db'],
    parents: [],
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
  };
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/groups' && req.method === 'POST')
        return { status: 201, body: { ...eu, ...(req.body as object) } };
      if (req.path === '/groups') return { body: [eu] };
      if (req.path === `/groups/${B}` && req.method === 'PATCH')
        return { body: { ...eu, ...(req.body as object) } };
      if (req.path === `/groups/${B}` && req.method === 'DELETE') return { status: 204 };
      return undefined;
    },
  });
  const create = await orca([
    'groups',
    'create',
    'eu',
    'web-1',
    '--child',
    'eu-db',
    '--description',
    'Europe',
    '--url',
    api.url,
  ]);
  assert.equal(create.code, 0, create.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, {
    name: 'eu',
    description: 'Europe',
    children: ['eu-db'],
    hosts: ['web-1'],
  });
  assert.match(create.stdout, /created group eu \(1 host\(s\), 1 nested group\(s\)\)/);

  const add = await orca(['groups', 'add', 'eu', 'web-2', 'web-1', '--url', api.url]);
  assert.equal(add.code, 0, add.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, { hosts: ['web-1', 'web-2'] });
  await orca(['groups', 'remove', 'eu', '--child', 'eu-db', '--url', api.url]);
  assert.deepEqual(api.requests.at(-1)?.body, { children: [] });
  const none = await orca(['groups', 'add', 'eu', '--url', api.url]);
  assert.equal(none.code, 2);

  const list = await orca(['groups', 'list', '--url', api.url]);
  assert.equal(
    list.stdout,
    'NAME  HOSTS  CHILDREN  PARENTS  DESCRIPTION\neu    web-1  eu-db     -        -\n',
  );
  const del = await orca(['groups', 'delete', 'eu', '--url', api.url]);
  assert.equal(del.code, 0, del.stderr);
  assert.equal(api.requests.at(-1)?.method, 'DELETE');
  const missing = await orca(['groups', 'delete', 'nope', '--url', api.url]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no group named nope/);
});

test('exec and jobs run take --selector, alone or with --hosts', async (t) => {
  const run = fakeRun(RUN, 'queued', [{ id: A, name: 'web-1' }]);
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/runs' && req.method === 'POST') return { status: 201, body: run };
      if (req.path === '/jobs') return { body: [{ id: B, name: 'deploy', currentVersion: 1 }] };
      if (req.path === `/jobs/${B}`) {
        return { body: { id: B, name: 'deploy', currentVersion: 1, definition: { parameters: [] } } };
      }
      if (req.path === `/jobs/${B}/runs`) return { status: 201, body: { ...run, kind: 'job' } };
      return undefined;
    },
  });
  const exec = await orca(['exec', '--selector', 'tag:web', '--no-follow', '--url', api.url, '--', 'uptime']);
  assert.equal(exec.code, 0, exec.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, { command: 'uptime', targets: { selector: 'tag:web' } });
  await orca([
    'exec',
    '--hosts',
    'db-1',
    '--selector',
    'tag:web',
    '--no-follow',
    '--url',
    api.url,
    '--',
    'uptime',
  ]);
  assert.deepEqual((api.requests.at(-1)?.body as { targets?: unknown } | undefined)?.targets, {
    hosts: ['db-1'],
    selector: 'tag:web',
  });
  const neither = await orca(['exec', '--no-follow', '--url', api.url, '--', 'uptime']);
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /--hosts or --selector/);

  const job = await orca([
    'jobs',
    'run',
    'deploy',
    '--selector',
    'env=prod',
    '--no-follow',
    '--url',
    api.url,
  ]);
  assert.equal(job.code, 0, job.stderr);
  const launched = api.requests.find((q) => q.path === `/jobs/${B}/runs`);
  assert.deepEqual((launched?.body as { targets?: unknown } | undefined)?.targets, { selector: 'env=prod' });
});
