/**
 * Login throttling over real HTTP against a real database: a per-pair lock that leaves the
 * owner's other addresses working, doubling to a cap and always expiring (timestamps are moved
 * in the database, not waited for), admin unlock, the per-address lock and the per-account
 * throttle that spares known addresses. Client addresses come from X-Forwarded-For.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from './support/app.ts';
import { createUser, login, type UserDetail } from './support/sessions.ts';

let app: TestApp;
before(async () => {
  app = await startTestApp({ worker: false, env: { ORCA_TRUST_PROXY: '127.0.0.1' } });
});
after(() => app?.stop());

const db = () => app.database.handle.db;

test('failed logins lock the account from that address only; the owner still logs in from elsewhere', async () => {
  await createUser(app, 'kate', 'admin', 'correct horse battery staple');
  const attacker = '203.0.113.7';
  for (let i = 0; i < 5; i++) assert.equal((await login(app, 'kate', `guess-${i}`, attacker)).status, 401);
  const locked = await login(app, 'kate', 'correct horse battery staple', attacker);
  assert.equal(locked.status, 429, 'even the right password waits while the pair is locked');
  assert.match(locked.body.error?.message ?? '', /try again in 1 minute/);
  assert.equal(locked.retryAfter, '60');

  assert.equal((await login(app, 'kate', 'correct horse battery staple', '198.51.100.1')).status, 200);
  const users = (await (await app.api('/users')).json()) as UserDetail[];
  assert.ok(users.find((u) => u.username === 'kate')?.lockedUntil, 'the list shows the lock');

  // The lock expires: move it into the past rather than wait; the next failure doubles it.
  await db()
    .updateTable('login_throttle')
    .set({ locked_until: new Date(Date.now() - 1000) })
    .where('scope', '=', 'pair')
    .where('address', '=', attacker)
    .execute();
  assert.equal((await login(app, 'kate', 'wrong again', attacker)).status, 401);
  const doubled = await login(app, 'kate', 'correct horse battery staple', attacker);
  assert.equal(doubled.status, 429);
  assert.equal(doubled.retryAfter, '120');

  // The admin unlocks; a correct login from that address then works and resets the counter.
  const kate = users.find((u) => u.username === 'kate');
  const unlocked = await app.api(`/users/${kate?.id}/unlock`, { body: {} });
  assert.equal(((await unlocked.json()) as UserDetail).lockedUntil, null);
  assert.equal((await login(app, 'kate', 'correct horse battery staple', attacker)).status, 200);
  const pair = await db()
    .selectFrom('login_throttle')
    .select('failures')
    .where('scope', '=', 'pair')
    .where('address', '=', attacker)
    .executeTakeFirstOrThrow();
  assert.equal(pair.failures, 0);
});

test('the lock never outgrows its cap, and a correct login after it passes resets the counters', async () => {
  await createUser(app, 'liam', 'viewer', 'correct horse battery staple');
  const from = '203.0.113.9';
  const expire = () =>
    db()
      .updateTable('login_throttle')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('username', '=', 'liam')
      .execute();
  for (let i = 0; i < 12; i++) {
    await login(app, 'liam', `nope-${i}`, from);
    await expire();
  }
  await login(app, 'liam', 'still wrong', from);
  assert.equal((await login(app, 'liam', 'correct horse battery staple', from)).retryAfter, String(15 * 60));
  await expire();
  assert.equal((await login(app, 'liam', 'correct horse battery staple', from)).status, 200);
  await login(app, 'liam', 'wrong once more', from);
  assert.equal(
    (await login(app, 'liam', 'correct horse battery staple', from)).status,
    200,
    'one failure locks nothing',
  );
});

test('many accounts from one address lock that address; many addresses against one account only throttle new ones', async () => {
  const sprayer = '192.0.2.50';
  for (let i = 0; i < 20; i++) await login(app, `nobody-${i}`, 'password123', sprayer);
  const blocked = await login(app, ADMIN_USER, ADMIN_PASSWORD, sprayer);
  assert.equal(blocked.status, 429, 'the spraying address is locked for every account');

  await createUser(app, 'mia', 'viewer', 'correct horse battery staple');
  assert.equal(
    (await login(app, 'mia', 'correct horse battery staple', '192.0.2.1')).status,
    200,
    'a known address',
  );
  // 14 failures from 14 addresses: the account throttle holds new addresses back for 16 s.
  for (let i = 0; i < 14; i++) await login(app, 'mia', `guess-${i}`, `192.0.2.${100 + i}`);
  const fresh = await login(app, 'mia', 'correct horse battery staple', '192.0.2.200');
  assert.equal(fresh.status, 429, 'a new address waits briefly');
  assert.ok(Number(fresh.retryAfter) <= 30, 'the account throttle is short');
  assert.equal(
    (await login(app, 'mia', 'correct horse battery staple', '192.0.2.1')).status,
    200,
    'the known one does not',
  );
});
