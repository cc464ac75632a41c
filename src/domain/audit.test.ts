import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionOf, redactBody } from './audit.ts';

test('actions are named from the route', () => {
  assert.equal(actionOf('POST', '/api/v1/hosts'), 'hosts.create');
  assert.equal(actionOf('PATCH', '/api/v1/hosts/:id'), 'hosts.update');
  assert.equal(actionOf('DELETE', '/api/v1/hosts/:id'), 'hosts.delete');
  assert.equal(actionOf('POST', '/api/v1/runs/:id/cancel'), 'runs.cancel');
  assert.equal(actionOf('POST', '/api/v1/jobs/:id/runs'), 'jobs.runs.create');
  assert.equal(actionOf('POST', '/api/v1/auth/login'), 'auth.login');
  assert.equal(actionOf('POST', '/api/v1/hosts/import'), 'hosts.import');
  assert.equal(actionOf('DELETE', '/api/v1/jobs/:id/triggers/:trigger'), 'jobs.triggers.delete');
  assert.equal(actionOf('POST', '/api/v1/users/:id/password'), 'users.password');
  assert.equal(actionOf('POST', '/api/v1/users/:id/unlock'), 'users.unlock');
  assert.equal(actionOf('POST', '/api/v1/users/:id/sessions/revoke'), 'users.sessions.revoke');
  assert.equal(actionOf('POST', '/api/v1/auth/logout-all'), 'auth.logout-all');
  assert.equal(actionOf('POST', '/api/v1/auth/password'), 'auth.password');
});

test('secrets in request bodies become ***, at any depth; other values stay', () => {
  assert.deepEqual(
    redactBody({
      name: 'ops',
      kind: 'ssh-key',
      privateKey: '-----BEGIN',
      passphrase: 'p',
      nested: { password: 'x', list: [{ token: 't', keep: 1 }] },
      secret: '',
    }),
    {
      name: 'ops',
      kind: 'ssh-key',
      privateKey: '***',
      passphrase: '***',
      nested: { password: '***', list: [{ token: '***', keep: 1 }] },
      secret: '',
    },
  );
  assert.equal((redactBody('x'.repeat(10_000)) as string).length, 4097);
});
