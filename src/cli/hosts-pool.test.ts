/** `orca hosts add --pool`, `orca hosts pool`, `orca hosts list --pool` against a fake API. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CRED, HOST, orca, withApi } from '../../test/support/cli-harness.ts';

test('hosts are routed to a worker pool on add, by `hosts pool`, and listed by pool', async (t) => {
  let pool: string | null = 'zone=dmz';
  const host = () => ({
    id: HOST,
    name: 'gw-1',
    address: '10.9.0.4',
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
    pool,
    groups: [],
  });
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/credentials') return { body: [{ id: CRED, name: 'ops', kind: 'password' }] };
      if (req.path === '/hosts' && req.method === 'POST') return { status: 201, body: host() };
      if (req.path === `/hosts/${HOST}` && req.method === 'PATCH') {
        pool = (req.body as { pool: string | null }).pool;
        return { body: host() };
      }
      if (req.path === '/hosts') return { body: [host()] };
      return undefined;
    },
  });
  const base = ['--url', api.url];
  const add = await orca([
    'hosts',
    'add',
    'gw-1',
    '--address',
    '10.9.0.4',
    '--user',
    'deploy',
    '--credential',
    'ops',
    '--pool',
    'zone=dmz',
    ...base,
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /, pool zone=dmz\)\n$/);
  const posted = api.requests.find((q) => q.method === 'POST')?.body as { pool?: string } | undefined;
  assert.equal(posted?.pool, 'zone=dmz');

  const list = await orca(['hosts', 'list', '--pool', 'zone=dmz', ...base]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^NAME .* OS\s+POOL\s+TAGS/);
  assert.match(list.stdout, /gw-1 .* zone=dmz\s+-/);
  assert.ok(api.requests.some((q) => q.path === '/hosts' && q.query.get('pool') === 'zone=dmz'));

  const none = await orca(['hosts', 'pool', 'gw-1', 'none', ...base]);
  assert.deepEqual([none.code, none.stdout], [0, 'gw-1: runs on any worker\n']);
  assert.deepEqual(api.requests.find((q) => q.method === 'PATCH')?.body, { pool: null });
  const again = await orca(['hosts', 'pool', 'gw-1', 'zone=lan', ...base]);
  assert.deepEqual([again.code, again.stdout], [0, 'gw-1: runs on workers of pool zone=lan\n']);
});
