/** `orca login` and the saved login. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { A, B, orca, withApi } from '../../test/support/cli-harness.ts';

test('login reads the password from stdin, creates a token with the CSRF header and saves it 0600', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-login-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/auth/login') {
        const ok = (req.body as { password: string }).password === 's3cret pass';
        if (!ok)
          return {
            status: 401,
            body: { error: { code: 'unauthenticated', message: 'wrong user name or password', details: [] } },
          };
        return {
          headers: { 'set-cookie': ['other=1; Path=/', 'orca_session=sess; Path=/; HttpOnly'] },
          body: { user: { id: A, username: 'admin', role: 'admin', createdAt: 'x' }, csrfToken: 'csrf-1' },
        };
      }
      if (req.path === '/tokens' && req.method === 'POST') {
        assert.equal(req.headers.cookie, 'orca_session=sess');
        assert.equal(req.headers['x-csrf-token'], 'csrf-1');
        return {
          status: 201,
          body: {
            token: { id: B, name: (req.body as { name: string }).name, prefix: 'orca_abcd' },
            secret: 'orca_abcdsecret',
          },
        };
      }
      if (req.path === '/auth/logout') return { status: 204 };
      if (req.path === '/tokens' && req.method === 'GET') {
        assert.equal(req.headers.authorization, 'Bearer orca_abcdsecret');
        return { body: [{ id: B, name: 'cli@laptop', prefix: 'orca_abcd' }] };
      }
      if (req.path === `/tokens/${B}` && req.method === 'DELETE') return { status: 204 };
      return undefined;
    },
  });
  const wrong = await orca(['login', '--url', api.url, '--username', 'admin'], {
    configDir: dir,
    stdin: 'nope\n',
  });
  assert.deepEqual([wrong.code, wrong.stderr], [1, 'error: wrong user name or password\n']);

  const r = await orca(['login', '--url', api.url, '--username', 'admin'], {
    configDir: dir,
    stdin: 's3cret pass\n',
  });
  assert.equal(r.code, 0, r.stderr);
  const tokenRequest = api.requests.find((q) => q.path === '/tokens' && q.method === 'POST');
  assert.deepEqual(tokenRequest?.body, { name: 'cli@laptop' });
  const path = join(dir, 'config.json');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { url: api.url, token: 'orca_abcdsecret' });
  assert.ok(
    api.requests.some((q) => q.path === '/auth/logout'),
    'the session is ended',
  );

  const logout = await orca(['logout'], { configDir: dir });
  assert.equal(logout.code, 0, logout.stderr);
  assert.match(logout.stdout, /revoked/);
  await assert.rejects(stat(path));
});

test('ORCA_PASSWORD serves automation; without --username a pipe is not enough', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-login-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/auth/login') {
        assert.equal((req.body as { password: string }).password, 'from-env');
        return {
          headers: { 'set-cookie': 'orca_session=s; Path=/' },
          body: { user: { username: 'ops' }, csrfToken: 'c' },
        };
      }
      if (req.path === '/tokens')
        return { status: 201, body: { token: { id: B, name: 'n' }, secret: 'orca_x' } };
      return { status: 204 };
    },
  });
  const r = await orca(['login'], {
    configDir: dir,
    env: { ORCA_URL: api.url, ORCA_USERNAME: 'ops', ORCA_PASSWORD: 'from-env' },
  });
  assert.equal(r.code, 0, r.stderr);
  const noUser = await orca(['login', '--url', api.url], { configDir: dir, stdin: 'pw\n' });
  assert.equal(noUser.code, 2);
  assert.match(noUser.stderr, /--username/);
});

test('commands use the saved login unless told otherwise', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-saved-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const api = await withApi(t, { http: (req) => (req.path === '/runs' ? { body: [] } : undefined) });
  await writeFile(join(dir, 'config.json'), JSON.stringify({ url: api.url, token: 'saved' }));
  const r = await orca(['runs', 'list', '--status', 'failed', '--limit', '5'], { configDir: dir });
  assert.deepEqual([r.code, r.stdout], [0, 'no runs\n']);
  const q = api.requests[0];
  assert.equal(q?.headers.authorization, 'Bearer saved');
  assert.equal(q?.query.toString(), 'status=failed&limit=5');
  const env = await orca(['runs', 'list'], { configDir: dir, env: { ORCA_TOKEN: 'from-env' } });
  assert.equal(env.code, 0);
  assert.equal(api.requests[1]?.headers.authorization, 'Bearer from-env');
});
