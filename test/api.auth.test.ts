import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from './support/app.ts';

let app: TestApp;
before(async () => {
  app = await startTestApp({ worker: false });
});
after(() => app?.stop());

test('health answers without logging in', async () => {
  const res = await app.api('/health', { token: null });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok', database: true, version: '0.1.0' });
});

test('every other route refuses an anonymous caller with 401', async () => {
  for (const [method, path] of [
    ['GET', '/hosts'],
    ['GET', '/credentials'],
    ['GET', '/runs'],
    ['POST', '/runs'],
    ['GET', '/auth/me'],
    ['GET', '/tokens'],
  ] as const) {
    const res = await app.api(path, { method, token: null, ...(method === 'POST' && { body: {} }) });
    assert.equal(res.status, 401, `${method} ${path}`);
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'unauthenticated');
  }
});

test('a wrong password is refused without saying which part was wrong', async () => {
  const res = await app.api('/auth/login', { body: { username: ADMIN_USER, password: 'nope' }, token: null });
  assert.equal(res.status, 401);
  const unknown = await app.api('/auth/login', {
    body: { username: 'ghost', password: 'nope' },
    token: null,
  });
  assert.deepEqual(await unknown.json(), await res.json());
});

test('a session cookie is HttpOnly and state changes through it need the CSRF token', async () => {
  const login = await app.api('/auth/login', {
    body: { username: ADMIN_USER, password: ADMIN_PASSWORD },
    token: null,
  });
  assert.equal(login.status, 200);
  const setCookie = login.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /HttpOnly/i);
  assert.match(setCookie, /SameSite=Strict/i);
  const cookie = setCookie.split(';')[0] ?? '';
  const { csrfToken, user } = (await login.json()) as { csrfToken: string; user: { role: string } };
  assert.equal(user.role, 'admin');

  const me = await fetch(`${app.url}/api/v1/auth/me`, { headers: { cookie } });
  assert.equal(me.status, 200);

  const body = JSON.stringify({ name: 'x' });
  const headers = { cookie, 'content-type': 'application/json' };
  const without = await fetch(`${app.url}/api/v1/tokens`, { method: 'POST', headers, body });
  assert.equal(without.status, 403);
  const withToken = await fetch(`${app.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { ...headers, 'x-csrf-token': csrfToken },
    body,
  });
  assert.equal(withToken.status, 201);

  const logout = await fetch(`${app.url}/api/v1/auth/logout`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrfToken },
  });
  assert.equal(logout.status, 204);
  assert.equal((await fetch(`${app.url}/api/v1/auth/me`, { headers: { cookie } })).status, 401);
});

test('an API token works until it is revoked, and is stored only hashed', async () => {
  const created = await app.api('/tokens', { body: { name: 'ci', expiresInDays: 30 } });
  assert.equal(created.status, 201);
  const { token, secret } = (await created.json()) as { token: { id: string }; secret: string };
  assert.equal((await app.api('/hosts', { token: secret })).status, 200);
  const rows = await app.database.handle.pool.query('select token_hash from api_tokens');
  assert.ok(rows.rows.every((r: { token_hash: string }) => r.token_hash !== secret));
  assert.equal((await app.api(`/tokens/${token.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await app.api('/hosts', { token: secret })).status, 401);
});

test('admin passwords are stored as argon2id hashes', async () => {
  const { rows } = await app.database.handle.pool.query('select password_hash from users');
  assert.match(rows[0].password_hash, /^\$argon2id\$/);
});

test('the OpenAPI 3.1 document lists the API and the docs page is served', async () => {
  const res = await app.api('/openapi.json', { token: null });
  const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
  assert.equal(doc.openapi, '3.1.0');
  for (const p of [
    '/api/v1/hosts',
    '/api/v1/runs',
    '/api/v1/runs/{id}/log',
    '/api/v1/credentials',
    '/api/v1/auth/login',
  ]) {
    assert.ok(doc.paths[p], `missing ${p}`);
  }
  const docs = await fetch(`${app.url}/api/v1/docs/`);
  assert.equal(docs.status, 200);
});
