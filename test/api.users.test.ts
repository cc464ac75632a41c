/**
 * Users administration and sessions over real HTTP against a real database: admin CRUD with
 * last-admin protection, disabling and resets that end sessions, self-service password change
 * and logout-all, idle and absolute session expiry, and tokens with a role ceiling. (Login
 * throttling: api.login-throttle.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from './support/app.ts';
import { asSession, createUser, type Login, login, type UserDetail } from './support/sessions.ts';

let app: TestApp;
before(async () => {
  app = await startTestApp({ worker: false, env: { ORCA_TRUST_PROXY: '127.0.0.1' } });
});
after(() => app?.stop());

const db = () => app.database.handle.db;
const adminId = async () =>
  (await db().selectFrom('users').select('id').where('username', '=', ADMIN_USER).executeTakeFirstOrThrow())
    .id;

test('an admin creates, lists, changes and deletes users; passwords never come back', async () => {
  const created = await createUser(app, 'carol', 'operator');
  assert.ok(created.password && created.password.length >= 12, 'a generated password is returned once');
  const given = await createUser(app, 'dave', 'viewer', 'a long password for d.');
  assert.equal(given.password, null);

  const list = (await (await app.api('/users')).json()) as UserDetail[];
  const carol = list.find((u) => u.username === 'carol');
  assert.deepEqual(
    [carol?.role, carol?.disabled, carol?.lastLoginAt, carol?.lockedUntil],
    ['operator', false, null, null],
  );
  assert.ok(!JSON.stringify(list).includes('argon2'), 'no password hash in the list');

  const s = await login(app, 'carol', created.password);
  assert.equal(s.status, 200);
  const seen = (await (await app.api(`/users/${created.user.id}`)).json()) as UserDetail;
  assert.ok(seen.lastLoginAt, 'the last login is shown');

  const taken = await app.api('/users', { body: { username: 'carol', role: 'viewer' } });
  assert.equal(taken.status, 409);
  const short = await app.api('/users', { body: { username: 'erin', role: 'viewer', password: 'short' } });
  assert.equal(short.status, 400);
  const shortBody = (await short.json()) as { error: { details: { path: string }[] } };
  assert.deepEqual(
    shortBody.error.details.map((d) => d.path),
    ['body.password'],
  );

  const patched = await app.api(`/users/${created.user.id}`, { method: 'PATCH', body: { role: 'viewer' } });
  assert.equal(((await patched.json()) as UserDetail).role, 'viewer');
  assert.equal((await asSession(app, s, '/auth/me')).status, 200);

  // dave never acted: he may go; carol has audit entries (her login), so she is disabled instead.
  assert.equal((await app.api(`/users/${given.user.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await app.api(`/users/${given.user.id}`)).status, 404);
  await asSession(app, s, '/tokens', { body: { name: 'mine' } });
  const refused = await app.api(`/users/${created.user.id}`, { method: 'DELETE' });
  assert.equal(refused.status, 409);
  assert.match(((await refused.json()) as { error: { message: string } }).error.message, /disable the user/);

  const token = await app.api('/users', { token: null });
  assert.equal(token.status, 401);
});

test('users administration is for admins only', async () => {
  const op = await createUser(app, 'oscar', 'operator', 'correct horse battery staple');
  const s = await login(app, 'oscar', 'correct horse battery staple');
  assert.equal((await asSession(app, s, '/users')).status, 403);
  assert.equal((await asSession(app, s, `/users/${op.user.id}/unlock`, { method: 'POST' })).status, 403);
});

test('the last enabled admin cannot be demoted, disabled or deleted, and no admin disables themself', async () => {
  const id = await adminId();
  const demote = await app.api(`/users/${id}`, { method: 'PATCH', body: { role: 'operator' } });
  assert.equal(demote.status, 409);
  const body = (await demote.json()) as { error: { message: string; details: { path: string }[] } };
  assert.match(body.error.message, /last enabled admin/);
  assert.equal(body.error.details[0]?.path, 'body.role');
  const self = await app.api(`/users/${id}`, { method: 'PATCH', body: { disabled: true } });
  assert.equal(self.status, 400);
  assert.match(((await self.json()) as { error: { message: string } }).error.message, /disable yourself/);
  assert.equal((await app.api(`/users/${id}`, { method: 'DELETE' })).status, 409);

  // With a second admin, the second may demote the first — and then not the other way round.
  const second = await createUser(app, 'root2', 'admin', 'second admin long password');
  const s2 = await login(app, 'root2', 'second admin long password');
  const ok = await asSession(app, s2, `/users/${id}`, { method: 'PATCH', body: { role: 'operator' } });
  assert.equal(ok.status, 200);
  const back = await asSession(app, s2, `/users/${id}`, { method: 'PATCH', body: { role: 'admin' } });
  assert.equal(back.status, 200);
  const byToken = await app.api(`/users/${second.user.id}`, { method: 'PATCH', body: { disabled: true } });
  assert.equal(byToken.status, 200, 'two admins: one may disable the other');
  assert.equal((await asSession(app, s2, '/auth/me')).status, 401, 'the disabled admin is signed out');
  await app.api(`/users/${second.user.id}`, { method: 'PATCH', body: { disabled: false, role: 'viewer' } });
});

test('disabling a user ends their sessions and stops their tokens; enabling lets them log in again', async () => {
  const u = await createUser(app, 'frank', 'operator', 'correct horse battery staple');
  const s = await login(app, 'frank', 'correct horse battery staple');
  const created = await asSession(app, s, '/tokens', { body: { name: 'ci', role: 'viewer' } });
  const { secret } = (await created.json()) as { secret: string };
  assert.equal((await app.api('/hosts', { token: secret })).status, 200);

  await app.api(`/users/${u.user.id}`, { method: 'PATCH', body: { disabled: true } });
  assert.equal((await asSession(app, s, '/auth/me')).status, 401);
  assert.equal((await app.api('/hosts', { token: secret })).status, 401);
  assert.equal((await login(app, 'frank', 'correct horse battery staple')).status, 401);

  await app.api(`/users/${u.user.id}`, { method: 'PATCH', body: { disabled: false } });
  assert.equal((await app.api('/hosts', { token: secret })).status, 200);
  assert.equal((await login(app, 'frank', 'correct horse battery staple')).status, 200);
});

test('an admin reset sets or generates a password and signs the user out everywhere', async () => {
  const u = await createUser(app, 'gina', 'viewer', 'correct horse battery staple');
  const a = await login(app, 'gina', 'correct horse battery staple', '10.1.0.1');
  const b = await login(app, 'gina', 'correct horse battery staple', '10.1.0.2');
  const reset = await app.api(`/users/${u.user.id}/password`, { body: {} });
  assert.equal(reset.status, 200);
  const { password } = (await reset.json()) as { password: string };
  assert.ok(password.length >= 12);
  assert.equal((await asSession(app, a, '/auth/me')).status, 401);
  assert.equal((await asSession(app, b, '/auth/me')).status, 401);
  assert.equal((await login(app, 'gina', 'correct horse battery staple')).status, 401);
  assert.equal((await login(app, 'gina', password)).status, 200);

  const set = await app.api(`/users/${u.user.id}/password`, { body: { password: 'chosen by the admin' } });
  assert.equal(((await set.json()) as { password: string | null }).password, null);
  assert.equal((await login(app, 'gina', 'chosen by the admin')).status, 200);

  const text = JSON.stringify(await (await app.api('/audit?limit=1000&action=users.password')).json());
  assert.ok(!text.includes(password) && !text.includes('chosen by the admin'), 'not in the audit log');
});

test('admin sign-out-everywhere ends every session of the user', async () => {
  const u = await createUser(app, 'hank', 'viewer', 'correct horse battery staple');
  const a = await login(app, 'hank', 'correct horse battery staple');
  const b = await login(app, 'hank', 'correct horse battery staple');
  const res = await app.api(`/users/${u.user.id}/sessions/revoke`, { body: {} });
  assert.deepEqual(await res.json(), { sessionsEnded: 2 });
  assert.equal((await asSession(app, a, '/auth/me')).status, 401);
  assert.equal((await asSession(app, b, '/auth/me')).status, 401);
});

test('users change their own password with the current one, and sign out everywhere', async () => {
  await createUser(app, 'ivy', 'viewer', 'correct horse battery staple');
  const here = await login(app, 'ivy', 'correct horse battery staple');
  const there = await login(app, 'ivy', 'correct horse battery staple');

  const wrong = await asSession(app, here, '/auth/password', {
    body: { currentPassword: 'not it at all', newPassword: 'a brand new secret' },
  });
  assert.equal(wrong.status, 400);
  const wrongBody = (await wrong.json()) as { error: { details: { path: string }[] } };
  assert.equal(wrongBody.error.details[0]?.path, 'body.currentPassword');
  const short = await asSession(app, here, '/auth/password', {
    body: { currentPassword: 'correct horse battery staple', newPassword: 'short' },
  });
  assert.equal(short.status, 400);
  assert.equal(((await short.json()) as typeof wrongBody).error.details[0]?.path, 'body.newPassword');
  const noCsrf = await fetch(`${app.url}/api/v1/auth/password`, {
    method: 'POST',
    headers: { cookie: here.cookie, 'content-type': 'application/json' },
    body: JSON.stringify({
      currentPassword: 'correct horse battery staple',
      newPassword: 'a brand new secret',
    }),
  });
  assert.equal(noCsrf.status, 403);

  const changed = await asSession(app, here, '/auth/password', {
    body: { currentPassword: 'correct horse battery staple', newPassword: 'a brand new secret' },
  });
  assert.deepEqual(await changed.json(), { sessionsEnded: 1 });
  assert.equal((await asSession(app, here, '/auth/me')).status, 200, 'this session stays');
  assert.equal((await asSession(app, there, '/auth/me')).status, 401, 'the other one ends');
  assert.equal((await login(app, 'ivy', 'correct horse battery staple')).status, 401);
  const again = await login(app, 'ivy', 'a brand new secret');
  assert.equal(again.status, 200);

  const all = await asSession(app, here, '/auth/logout-all', { body: {} });
  assert.deepEqual(await all.json(), { sessionsEnded: 2 });
  assert.equal((await asSession(app, here, '/auth/me')).status, 401);
  assert.equal((await asSession(app, again, '/auth/me')).status, 401);
});

test('the session cookie is HttpOnly, SameSite=Strict, not Secure over plain HTTP, with the absolute lifetime', async () => {
  const s = await login(app, ADMIN_USER, ADMIN_PASSWORD);
  assert.match(s.setCookie, /HttpOnly/i);
  assert.match(s.setCookie, /SameSite=Strict/i);
  assert.doesNotMatch(s.setCookie, /Secure/i);
  assert.match(s.setCookie, new RegExp(`Max-Age=${12 * 3600}`));
});

test('a session ends after idling or at its absolute expiry, with a 401 that says so', async () => {
  await createUser(app, 'jack', 'viewer', 'correct horse battery staple');
  const idle = await login(app, 'jack', 'correct horse battery staple');
  const active = await login(app, 'jack', 'correct horse battery staple');
  // Move the idle one's last request 61 minutes back (the default idle limit is 60).
  const { hashToken } = await import('../src/security/tokens.ts');
  const hashOf = (s: Login) => hashToken(s.cookie.split('=')[1] ?? '');
  await db()
    .updateTable('sessions')
    .set({ last_seen_at: new Date(Date.now() - 61 * 60_000) })
    .where('id_hash', '=', hashOf(idle))
    .execute();
  await db()
    .updateTable('sessions')
    .set({ last_seen_at: new Date(Date.now() - 50 * 60_000) })
    .where('id_hash', '=', hashOf(active))
    .execute();
  const res = await asSession(app, idle, '/auth/me');
  assert.equal(res.status, 401);
  assert.match(((await res.json()) as { error: { message: string } }).error.message, /without activity/);
  assert.equal((await asSession(app, active, '/auth/me')).status, 200, '50 minutes idle is within the limit');
  const touched = await db()
    .selectFrom('sessions')
    .select('last_seen_at')
    .where('id_hash', '=', hashOf(active))
    .executeTakeFirstOrThrow();
  assert.ok(Date.now() - touched.last_seen_at.getTime() < 60_000, 'a request moves last_seen_at forward');

  await db()
    .updateTable('sessions')
    .set({ expires_at: new Date(Date.now() - 1000) })
    .where('id_hash', '=', hashOf(active))
    .execute();
  const expired = await asSession(app, active, '/auth/me');
  assert.equal(expired.status, 401);
  assert.match(((await expired.json()) as { error: { message: string } }).error.message, /expired/);
});

test('a token carries at most its creator’s role, and acts with the lower of its role and the user’s current one', async () => {
  const u = await createUser(app, 'nora', 'operator', 'correct horse battery staple');
  const s = await login(app, 'nora', 'correct horse battery staple');
  const tooHigh = await asSession(app, s, '/tokens', { body: { name: 'x', role: 'admin' } });
  assert.equal(tooHigh.status, 400);
  const tooHighBody = (await tooHigh.json()) as { error: { details: { path: string }[] } };
  assert.equal(tooHighBody.error.details[0]?.path, 'body.role');
  const tooLong = await asSession(app, s, '/tokens', { body: { name: 'x', expiresInDays: 366 } });
  assert.equal(tooLong.status, 400);

  const created = await asSession(app, s, '/tokens', { body: { name: 'ops' } });
  const { secret, token } = (await created.json()) as {
    secret: string;
    token: { role: string; expiresAt: string };
  };
  assert.equal(token.role, 'operator');
  const days = (Date.parse(token.expiresAt) - Date.now()) / 86400_000;
  assert.ok(days > 89 && days <= 90, 'the default expiry is 90 days');
  const viewer = (await (
    await asSession(app, s, '/tokens', { body: { name: 'ro', role: 'viewer' } })
  ).json()) as {
    secret: string;
  };
  const me = async (t: string) =>
    ((await (await app.api('/auth/me', { token: t })).json()) as { user: { role: string } }).user.role;
  assert.equal(await me(viewer.secret), 'viewer');
  const asViewer = await app.api('/tokens', { token: viewer.secret, body: { name: 'up', role: 'operator' } });
  assert.equal(asViewer.status, 400, 'a viewer token cannot mint an operator token');

  await app.api(`/users/${u.user.id}`, { method: 'PATCH', body: { role: 'viewer' } });
  assert.equal(await me(secret), 'viewer', 'demoting the user lowers the token');
  await app.api(`/users/${u.user.id}`, { method: 'PATCH', body: { role: 'admin' } });
  assert.equal(await me(secret), 'operator', 'promoting the user does not raise the token');
  const list = (await (await app.api('/tokens', { token: secret })).json()) as {
    name: string;
    lastUsedAt: string;
  }[];
  assert.ok(list.find((t) => t.name === 'ops')?.lastUsedAt, 'last use is recorded');
});
