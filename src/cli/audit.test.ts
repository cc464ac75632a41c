/** `orca audit` against a fake API. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orca, withApi } from '../../test/support/cli-harness.ts';

const entry = {
  id: 7,
  at: '2024-01-01T00:00:00.000Z',
  actor: 'alice',
  via: 'session',
  address: '10.0.0.5',
  method: 'POST',
  route: '/api/v1/runs/:id/cancel',
  path: '/api/v1/runs/abc/cancel',
  action: 'runs.cancel',
  targetId: 'abc',
  status: 200,
  request: null,
  before: null,
  after: null,
};

test('audit filters go to the server; the table and JSON lines show the entries', async (t) => {
  const api = await withApi(t, { http: (req) => (req.path === '/audit' ? { body: [entry] } : undefined) });
  const r = await orca(['audit', '--action', 'runs', '--actor', 'alice', '--failed', '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  const q = api.requests.at(-1)?.query;
  assert.deepEqual(
    [q?.get('action'), q?.get('actor'), q?.get('failed'), q?.get('limit')],
    ['runs', 'alice', 'true', '100'],
  );
  assert.match(r.stdout, /alice\s+session\s+runs\.cancel\s+200\s+\/api\/v1\/runs\/abc\/cancel/);
  const lines = await orca(['audit', '--jsonl', '--url', api.url]);
  assert.deepEqual(JSON.parse(lines.stdout.trim()), entry);
});
