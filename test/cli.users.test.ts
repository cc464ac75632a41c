/**
 * Break-glass recovery: `orca users reset-password <name> --database` against the real database
 * gets a locked-out admin back in, with no server login, and leaves an audit entry.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ADMIN_USER, startTestApp, type TestApp } from './support/app.ts';
import { orca } from './support/cli-harness.ts';

let app: TestApp;
before(async () => {
  app = await startTestApp({ worker: false });
});
after(() => app?.stop());

const login = (password: string) =>
  fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN_USER, password }),
  });

test('reset-password --database recovers a locked-out admin and is audited', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await login(`forgotten-${i}`)).status, 401);
  assert.equal((await login('still forgotten')).status, 429, 'the admin is locked out from here');

  const env = { DATABASE_URL: app.database.url };
  const r = await orca(['users', 'reset-password', ADMIN_USER, '--database', '--password-stdin'], {
    env,
    stdin: 'recovered password 1\n',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /reset in the database; login locks cleared/);
  assert.equal((await login('recovered password 1')).status, 200);

  const generated = await orca(['users', 'reset-password', ADMIN_USER, '--database'], { env });
  const password = /password \(shown once\): (\S+)/.exec(generated.stdout)?.[1] ?? '';
  assert.ok(password.length >= 12, generated.stdout);
  assert.equal((await login(password)).status, 200);

  const entries = (await (await app.api('/audit?action=users.password')).json()) as {
    via: string;
    request: { password: string };
  }[];
  assert.ok(entries.length >= 2);
  assert.ok(entries.every((e) => e.via === 'system' && e.request.password === '***'));

  const ghost = await orca(['users', 'reset-password', 'ghost', '--database'], { env });
  assert.equal(ghost.code, 1);
  assert.match(ghost.stderr, /no user named ghost/);
  const noUrl = await orca(['users', 'reset-password', ADMIN_USER, '--database'], { env: {} });
  assert.equal(noUrl.code, 2);
});
