/** `orca users` and `orca tokens` against a fake API. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { A, B, orca, withApi } from '../../test/support/cli-harness.ts';

const at = '2026-01-01T00:00:00.000Z';
const user = (id: string, username: string, extra: Record<string, unknown> = {}) => ({
  id,
  username,
  role: 'operator',
  disabled: false,
  createdAt: at,
  updatedAt: at,
  lastLoginAt: null,
  lockedUntil: null,
  ...extra,
});
const future = new Date(Date.now() + 600_000).toISOString();

test('users list shows role, state, last login and a running lock; commands find users by name', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/users' && req.method === 'GET')
        return {
          body: [
            user(A, 'ann', { role: 'admin', lastLoginAt: at }),
            user(B, 'bob', { disabled: true, lockedUntil: future }),
          ],
        };
      if (req.path === '/users' && req.method === 'POST')
        return {
          status: 201,
          body: { user: user(B, 'bob', { role: 'viewer' }), password: 'generated-pass-123' },
        };
      if (req.path === `/users/${B}` && req.method === 'PATCH') return { body: user(B, 'bob') };
      if (req.path === `/users/${B}/password`) return { body: { user: user(B, 'bob'), password: null } };
      if (req.path === `/users/${B}/unlock`) return { body: user(B, 'bob') };
      if (req.path === `/users/${B}/sessions/revoke`) return { body: { sessionsEnded: 3 } };
      if (req.path === '/auth/logout-all') return { body: { sessionsEnded: 1 } };
      return undefined;
    },
  });
  const c = ['--url', api.url, '--token', 'orca_x'];
  const list = await orca(['users', 'list', ...c]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^USER\s+ROLE\s+STATE\s+LAST LOGIN\s+LOCKED UNTIL/);
  assert.match(list.stdout, /ann\s+admin\s+enabled\s+2026-01-01/);
  assert.match(list.stdout, /bob\s+operator\s+disabled\s+never\s+\d{4}-/);

  const created = await orca(['users', 'create', 'bob', '--role', 'viewer', ...c]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /password \(shown once\): generated-pass-123/);
  assert.deepEqual(api.requests.at(-1)?.body, { username: 'bob', role: 'viewer' });
  const badRole = await orca(['users', 'create', 'x', '--role', 'root', ...c]);
  assert.equal(badRole.code, 2);
  assert.match(badRole.stderr, /must be one of admin, operator, viewer/);

  assert.equal((await orca(['users', 'disable', 'bob', ...c])).code, 0);
  assert.deepEqual(api.requests.at(-1)?.body, { disabled: true });
  assert.equal((await orca(['users', 'enable', 'bob', ...c])).code, 0);
  assert.deepEqual(api.requests.at(-1)?.body, { disabled: false });
  assert.equal((await orca(['users', 'set-role', 'bob', 'viewer', ...c])).code, 0);
  assert.deepEqual(api.requests.at(-1)?.body, { role: 'viewer' });
  assert.equal((await orca(['users', 'unlock', 'bob', ...c])).code, 0);
  assert.equal(api.requests.at(-1)?.path, `/users/${B}/unlock`);

  const reset = await orca(['users', 'reset-password', 'bob', '--password-stdin', ...c], {
    stdin: 'a new long password\n',
  });
  assert.equal(reset.code, 0, reset.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, { password: 'a new long password' });
  const short = await orca(['users', 'reset-password', 'bob', '--password-stdin', ...c], {
    stdin: 'short\n',
  });
  assert.deepEqual([short.code, short.stderr], [2, 'error: the password must have at least 12 characters\n']);

  const out = await orca(['users', 'logout-all', 'bob', ...c]);
  assert.equal(out.stdout, '3 session(s) of bob ended\n');
  const self = await orca(['users', 'logout-all', ...c]);
  assert.equal(self.stdout, '1 session(s) of yours ended\n');

  const ghost = await orca(['users', 'disable', 'ghost', ...c]);
  assert.equal(ghost.code, 1);
  assert.match(ghost.stderr, /no user named ghost/);
});

test('the server’s refusal (last admin) is printed with its field', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/users') return { body: [user(A, 'ann', { role: 'admin' })] };
      if (req.method === 'PATCH')
        return {
          status: 409,
          body: {
            error: {
              code: 'conflict',
              message: 'ann is the last enabled admin; make another user admin first',
              details: [{ path: 'body.role', message: 'would leave no enabled admin' }],
            },
          },
        };
      return undefined;
    },
  });
  const r = await orca(['users', 'set-role', 'ann', 'viewer', '--url', api.url, '--token', 't']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /last enabled admin/);
});

test('tokens create sends role and expiry and prints the secret once; revoke finds a token by name', async (t) => {
  const token = {
    id: A,
    name: 'ci',
    prefix: 'orca_abcd',
    createdAt: at,
    expiresAt: '2026-01-31T00:00:00.000Z',
    lastUsedAt: null,
    role: 'viewer',
  };
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/tokens' && req.method === 'POST')
        return { status: 201, body: { token, secret: 'orca_abcdsecret' } };
      if (req.path === '/tokens') return { body: [token] };
      if (req.path === `/tokens/${A}` && req.method === 'DELETE') return { status: 204 };
      return undefined;
    },
  });
  const c = ['--url', api.url, '--token', 'orca_x'];
  const r = await orca(['tokens', 'create', 'ci', '--role', 'viewer', '--expires-in-days', '30', ...c]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, { name: 'ci', role: 'viewer', expiresInDays: 30 });
  assert.match(r.stdout, /^created token ci \(viewer, expires .+\)\norca_abcdsecret\n/);
  const list = await orca(['tokens', 'list', ...c]);
  assert.match(list.stdout, /ci\s+orca_abcd…\s+viewer/);
  assert.ok(!list.stdout.includes('secret'));
  const revoked = await orca(['tokens', 'revoke', 'ci', ...c]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(api.requests.at(-1)?.method, 'DELETE');
  const missing = await orca(['tokens', 'revoke', 'nope', ...c]);
  assert.equal(missing.code, 1);
});
