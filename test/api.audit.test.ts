/**
 * The audit log: every mutating route of the OpenAPI document writes an entry (walked, not
 * listed by hand); entries say who, how, from where, what and the status, with secrets as ***
 * and before/after for definitions; the log is append-only, searchable, exportable, admin-only.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { addHost, addPasswordCredential } from './support/fleet.ts';
import { tokenFor } from './support/users.ts';

let app: TestApp;

interface Entry {
  id: number;
  actor: string;
  via: string;
  method: string;
  route: string;
  path: string;
  action: string;
  targetId: string | null;
  status: number;
  request: unknown;
  before: unknown;
  after: unknown;
}

before(async () => {
  app = await startTestApp({ worker: false, env: { ORCA_SCHEDULER_INTERVAL_MS: '0' } });
});
after(() => app?.stop());

async function audit(query = ''): Promise<Entry[]> {
  const res = await app.api(`/audit?limit=1000${query}`);
  assert.equal(res.status, 200);
  return (await res.json()) as Entry[];
}

test('every mutating route of the OpenAPI document writes an audit entry', async () => {
  const openapi = (await (await app.api('/openapi.json')).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const operations: { method: string; path: string; route: string }[] = [];
  for (const [path, ops] of Object.entries(openapi.paths)) {
    for (const method of Object.keys(ops)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
      if (path === '/api/v1/auth/logout') continue; // would end the session the walk uses
      operations.push({ method: method.toUpperCase(), path, route: path.replace(/\{(\w+)\}/g, ':$1') });
    }
  }
  assert.ok(operations.length >= 35, `only ${operations.length} mutating operations`);
  const id = '00000000-0000-4000-8000-000000000000';
  for (const op of operations) {
    const url = op.path.replace(/^\/api\/v1/, '').replace(/\{\w+\}/g, id);
    // An empty body: most routes refuse it, and a refusal is audited like a success.
    await app.api(url, { method: op.method, ...(op.method !== 'DELETE' && { body: {} }) });
  }
  const seen = new Set((await audit()).map((e) => `${e.method} ${e.route}`));
  const missing = operations
    .filter((op) => !seen.has(`${op.method} ${op.route}`))
    .map((op) => `${op.method} ${op.route}`);
  assert.deepEqual(missing, [], 'routes that wrote no audit entry');
});

test('an entry says who, how, what and the outcome; secrets never appear; definitions get before and after', async () => {
  const credentialId = await addPasswordCredential(app, 'audited-pw', 'very-secret-password-1');
  const host = await addHost(app, { name: 'audited-1', port: 22, username: 'deploy', credentialId });
  const patched = await app.api(`/hosts/${host.id}`, { method: 'PATCH', body: { address: '10.9.9.9' } });
  assert.equal(patched.status, 200);
  const entries = await audit('&q=audited');
  const text = JSON.stringify(await audit());
  assert.ok(!text.includes('very-secret-password-1'), 'the credential password is not in the log');
  const cred = entries.find((e) => e.action === 'credentials.create');
  assert.deepEqual((cred?.request as { password?: string } | undefined)?.password, '***');
  const update = (await audit(`&target=${host.id}`)).find((e) => e.action === 'hosts.update');
  assert.ok(update, 'the host update is in the log');
  assert.deepEqual([update.actor, update.via, update.status], ['admin', 'token', 200]);
  assert.equal((update.before as { address: string }).address, '127.0.0.1');
  assert.equal((update.after as { address: string }).address, '10.9.9.9');

  const bad = await fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'mallory', password: 'guess-123' }),
  });
  assert.equal(bad.status, 401);
  const login = (await audit('&action=auth.login&failed=true')).find((e) => e.actor === 'mallory');
  assert.ok(login, 'a failed login is recorded under the name tried');
  assert.equal((login.request as { password: string }).password, '***');

  const token = (await (await app.api('/tokens', { body: { name: 'ci' } })).json()) as { secret: string };
  assert.ok(!JSON.stringify(await audit()).includes(token.secret), 'a new API token is not in the log');
});

test('the log is append-only, exportable as JSON lines, and for admins only', async () => {
  const db = app.database.handle.db;
  await assert.rejects(db.updateTable('audit_log').set({ actor: 'someone-else' }).execute(), /append-only/);
  await assert.rejects(db.deleteFrom('audit_log').execute(), /append-only/);

  const res = await app.api('/audit/export?action=hosts');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /ndjson/);
  const lines = (await res.text()).trim().split('\n');
  assert.ok(lines.length > 0);
  for (const line of lines) assert.match((JSON.parse(line) as Entry).action, /^hosts/);

  const token = await tokenFor(app, 'olga', 'operator');
  assert.equal((await app.api('/audit', { token })).status, 403);
  assert.equal((await app.api('/audit/export', { token })).status, 403);
});
