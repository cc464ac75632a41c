import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';

let app: TestApp;
before(async () => {
  app = await startTestApp({ worker: false });
});
after(() => app?.stop());

type ErrorResponse = {
  error: { code: string; message: string; details: { path: string; message: string }[] };
};

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

test('a password credential goes in and never comes out, in the API or the database', async () => {
  const res = await app.api('/credentials', {
    body: { name: 'ops-pw', kind: 'password', password: 'Sup3r-Secret!' },
  });
  assert.equal(res.status, 201);
  const text = await res.text();
  assert.ok(!text.includes('Sup3r-Secret!'));
  const list = await (await app.api('/credentials')).text();
  assert.ok(!list.includes('Sup3r-Secret!'));
  const { rows } = await app.database.handle.pool.query('select secret from credentials');
  for (const r of rows as { secret: Buffer }[]) assert.ok(!r.secret.includes(Buffer.from('Sup3r-Secret!')));
});

test('bad input gets 400 naming the field', async () => {
  const cases: [unknown, string][] = [
    [{ name: 'x', kind: 'password' }, 'body.password'],
    [{ name: 'bad name!', kind: 'password', password: 'x' }, 'body.name'],
    [{ name: 'k', kind: 'ssh-key', privateKey: 'not a key' }, 'privateKey'],
  ];
  for (const [body, field] of cases) {
    const res = await app.api('/credentials', { body });
    assert.equal(res.status, 400, JSON.stringify(body));
    const err = await json<ErrorResponse>(res);
    assert.equal(err.error.code, 'validation');
    assert.ok(
      err.error.details.some((d) => d.path.includes(field)) || err.error.message.includes(field),
      `${field} not named in ${JSON.stringify(err)}`,
    );
  }
  const host = await app.api('/hosts', {
    body: {
      name: 'h',
      address: 'a',
      port: 70000,
      username: 'u',
      credentialId: '00000000-0000-4000-8000-000000000000',
    },
  });
  assert.equal(host.status, 400);
  assert.ok((await json<ErrorResponse>(host)).error.details.some((d) => d.path === 'body.port'));

  const notJson = await fetch(`${app.url}/api/v1/hosts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
    body: '{"name":',
  });
  assert.equal(notJson.status, 400);
  const err = await json<ErrorResponse>(notJson);
  assert.equal(err.error.code, 'validation');
  assert.ok(!JSON.stringify(err).includes('at '), 'no stack trace');
});

test('unknown ids are 404, malformed ids 400', async () => {
  assert.equal((await app.api('/hosts/00000000-0000-4000-8000-000000000000')).status, 404);
  assert.equal((await app.api('/runs/00000000-0000-4000-8000-000000000000')).status, 404);
  assert.equal((await app.api('/hosts/nope')).status, 400);
  assert.equal((await app.api('/no/such/route')).status, 404);
});

test('hosts are registered, listed, renamed and removed; a used credential cannot be deleted', async () => {
  const cred = await json<{ id: string }>(
    await app.api('/credentials', { body: { name: 'c2', kind: 'password', password: 'pw-abc' } }),
  );
  const created = await app.api('/hosts', {
    body: { name: 'web-1', address: '127.0.0.1', port: 2222, username: 'deploy', credentialId: cred.id },
  });
  assert.equal(created.status, 201);
  const host = await json<{ id: string; port: number; credentialName: string; hostKey: null }>(created);
  assert.equal(host.port, 2222);
  assert.equal(host.credentialName, 'c2');
  assert.equal(host.hostKey, null);

  const dup = await app.api('/hosts', {
    body: { name: 'web-1', address: '127.0.0.2', username: 'deploy', credentialId: cred.id },
  });
  assert.equal(dup.status, 409);

  const del = await app.api(`/credentials/${cred.id}`, { method: 'DELETE' });
  assert.equal(del.status, 409);
  assert.match((await json<ErrorResponse>(del)).error.message, /web-1/);

  const patched = await app.api(`/hosts/${host.id}`, { method: 'PATCH', body: { name: 'web-01' } });
  assert.equal(patched.status, 200);
  assert.equal((await json<{ name: string }>(patched)).name, 'web-01');

  assert.equal((await app.api(`/hosts/${host.id}`, { method: 'DELETE' })).status, 204);
  assert.equal((await app.api(`/credentials/${cred.id}`, { method: 'DELETE' })).status, 204);
});

test('a run naming an unknown host is refused and creates nothing', async () => {
  const res = await app.api('/runs', { body: { command: 'whoami', targets: { hosts: ['ghost-1'] } } });
  assert.equal(res.status, 400);
  assert.match((await json<ErrorResponse>(res)).error.message, /ghost-1/);
  const { rows } = await app.database.handle.pool.query('select count(*)::int as n from runs');
  assert.equal(rows[0].n, 0);
});
