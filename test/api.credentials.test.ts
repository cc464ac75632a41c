/** Credentials shared by hosts: deletion refused with the hosts named; metadata without secrets. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApiToken } from '../src/db/api-tokens.ts';
import { createUserIfMissing } from '../src/db/users.ts';
import { API_TOKEN_PREFIX, hashToken, newToken } from '../src/security/tokens.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { startSshd } from './support/sshd.ts';

let app: TestApp;
let privateKey: string;
let passphrase: string;
before(async () => {
  const sshd = await startSshd();
  ({ encrypted: privateKey, passphrase } = sshd.clientKeys);
  await sshd.stop();
  app = await startTestApp({ worker: false });
});
after(() => app?.stop());

interface CredentialView {
  id: string;
  kind: string;
  fingerprint: string | null;
  hostCount: number;
  updatedAt: string;
  updatedBy: string | null;
}

/** An operator named `ops` with an API token. */
async function operatorToken(): Promise<string> {
  const db = app.database.handle.db;
  await createUserIfMissing(db, { username: 'ops', passwordHash: 'x', role: 'operator' });
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'ops')
    .executeTakeFirstOrThrow();
  const token = newToken(API_TOKEN_PREFIX);
  await createApiToken(db, {
    userId: user.id,
    name: 'ops',
    tokenHash: hashToken(token),
    prefix: token.slice(0, 12),
    expiresAt: null,
  });
  return token;
}

test('a credential shared by hosts cannot be deleted; the refusal names every host', async () => {
  const res = await app.api('/credentials', {
    body: { name: 'shared', kind: 'password', password: 'pw-123456' },
  });
  assert.equal(res.status, 201);
  const cred = (await res.json()) as CredentialView;
  for (const name of ['db-2', 'app-1', 'app-3']) {
    const host = await app.api('/hosts', {
      body: { name, address: '127.0.0.1', port: 22, username: 'deploy', credentialId: cred.id },
    });
    assert.equal(host.status, 201);
  }
  const del = await app.api(`/credentials/${cred.id}`, { method: 'DELETE' });
  assert.equal(del.status, 409);
  const body = (await del.json()) as {
    error: { code: string; message: string; details: { path: string; message: string }[] };
  };
  assert.equal(body.error.code, 'conflict');
  assert.match(body.error.message, /used by 3 host\(s\): app-1, app-3, db-2/);
  assert.deepEqual(body.error.details, [
    { path: 'hosts[0]', message: 'app-1' },
    { path: 'hosts[1]', message: 'app-3' },
    { path: 'hosts[2]', message: 'db-2' },
  ]);
  const still = (await (await app.api(`/credentials/${cred.id}`)).json()) as CredentialView;
  assert.equal(still.hostCount, 3, 'nothing was deleted');
  const missing = await app.api('/credentials/00000000-0000-4000-8000-000000000000', { method: 'DELETE' });
  assert.equal(missing.status, 404);
});

test('metadata says kind, fingerprint, host count and who changed it when; never the secret', async () => {
  const res = await app.api('/credentials', {
    body: { name: 'deploy-key', kind: 'ssh-key', privateKey, passphrase },
  });
  const created = (await res.json()) as CredentialView;
  assert.equal(created.kind, 'ssh-key');
  assert.match(created.fingerprint ?? '', /^SHA256:/);
  assert.equal(created.hostCount, 0);
  assert.equal(created.updatedBy, 'admin');

  const ops = await operatorToken();
  const patched = await app.api(`/credentials/${created.id}`, {
    method: 'PATCH',
    body: { name: 'deploy-key-2' },
    token: ops,
  });
  assert.equal(patched.status, 200, await patched.clone().text());
  const after = (await patched.json()) as CredentialView;
  assert.equal(after.updatedBy, 'ops');
  assert.ok(after.updatedAt >= created.updatedAt);
  assert.equal(after.fingerprint, created.fingerprint);

  const listed = await (await app.api('/credentials')).text();
  assert.match(listed, /"updatedBy":"ops"/);
  for (const secret of [privateKey.split('\n')[1]!, passphrase, 'pw-123456']) {
    assert.ok(!listed.includes(secret), 'no secret material in the list');
  }
});
