/** `orca projects …` and `--project` on create commands and list filters. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { A, B, CRED, orca, withApi } from '../../test/support/cli-harness.ts';

const PROJECTS = [
  { id: A, name: 'default', description: '', createdAt: '2024-01-01T00:00:00.000Z', members: 3 },
  { id: B, name: 'payments', description: 'cards', createdAt: '2024-01-01T00:00:00.000Z', members: 1 },
];

test('projects list, add-member and remove-member speak to the projects API by name', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/projects' && req.method === 'GET') return { body: PROJECTS };
      if (req.path === `/projects/${B}/members/alice` && req.method === 'PUT') {
        return {
          body: {
            userId: CRED,
            username: 'alice',
            role: 'viewer',
            globalRole: 'operator',
            since: '2024-01-01T00:00:00.000Z',
          },
        };
      }
      if (req.path === `/projects/${B}/members/alice` && req.method === 'DELETE') return { status: 204 };
      return undefined;
    },
  });
  const list = await orca(['projects', 'list', '--url', api.url]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /payments\s+1\s+cards/);
  const add = await orca([
    'projects',
    'add-member',
    'payments',
    'alice',
    '--role',
    'viewer',
    '--url',
    api.url,
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.equal(add.stdout, 'alice is viewer in project payments\n');
  assert.deepEqual(api.requests.find((r) => r.method === 'PUT')?.body, { role: 'viewer' });
  const bad = await orca([
    'projects',
    'add-member',
    'payments',
    'alice',
    '--role',
    'admin',
    '--url',
    api.url,
  ]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /operator or viewer/);
  const rm = await orca(['projects', 'remove-member', 'payments', 'alice', '--url', api.url]);
  assert.equal(rm.code, 0, rm.stderr);
  const unknown = await orca(['projects', 'members', 'nope', '--url', api.url]);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /no project named nope/);
});

test('--project puts a new credential into the named project and filters host lists', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/projects') return { body: PROJECTS };
      if (req.path === '/credentials' && req.method === 'POST') {
        return {
          status: 201,
          body: { id: CRED, projectId: B, name: 'pay', kind: 'ssh-agent', fingerprint: null },
        };
      }
      if (req.path === '/hosts') return { body: [] };
      return undefined;
    },
  });
  const add = await orca(['credentials', 'add', 'pay', '--agent', '--project', 'payments', '--url', api.url]);
  assert.equal(add.code, 0, add.stderr);
  assert.deepEqual(api.requests.find((r) => r.method === 'POST')?.body, {
    name: 'pay',
    kind: 'ssh-agent',
    projectId: B,
  });
  const list = await orca(['hosts', 'list', '--project', 'payments', '--url', api.url]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(api.requests.find((r) => r.path === '/hosts')?.query.get('project'), 'payments');
});
