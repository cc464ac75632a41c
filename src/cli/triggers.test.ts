/** `orca triggers …` against a fake API. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { A, orca, RUN, withApi } from '../../test/support/cli-harness.ts';

const JOB = '99999999-9999-4999-8999-999999999999';
const at = '2024-01-01T00:00:00.000Z';
const job = { id: JOB, name: 'deploy', version: 2, active: true, tags: [] };
const definition = {
  name: 'deploy',
  parameters: [
    { name: 'version', type: 'string', required: true },
    { name: 'replicas', type: 'integer', required: false, default: 1 },
  ],
  steps: [],
};
const trigger = {
  id: A,
  jobId: JOB,
  name: 'ci',
  url: `https://orca.example.test/api/v1/hooks/${A}`,
  tokenPrefix: 'orcahook_AbCd',
  mapping: { version: 'release.tag' },
  values: { replicas: 3 },
  targets: null,
  version: null,
  createdBy: 'admin',
  createdAt: at,
  lastUsedAt: null,
  revokedAt: null,
};

test('add sends the mapping and typed fixed values, and prints the URL and the token once', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/jobs') return { body: [job] };
      if (req.path === `/jobs/${JOB}`) return { body: { ...job, definition } };
      if (req.path === `/jobs/${JOB}/triggers` && req.method === 'POST') {
        return { status: 201, body: { trigger, token: 'orcahook_AbCdEf-secret' } };
      }
      if (req.path === `/jobs/${JOB}/triggers`) return { body: [trigger] };
      return undefined;
    },
  });
  const r = await orca([
    'triggers',
    'add',
    'deploy',
    'ci',
    '--map',
    'version=release.tag',
    '--value',
    'replicas=3',
    '--hosts',
    'web-1,web-2',
    '--url',
    api.url,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, {
    name: 'ci',
    mapping: { version: 'release.tag' },
    values: { replicas: 3 },
    targets: { hosts: ['web-1', 'web-2'] },
  });
  assert.match(r.stdout, new RegExp(`url: +https://orca\\.example\\.test/api/v1/hooks/${A}`));
  assert.match(r.stdout, /token: +orcahook_AbCdEf-secret/);
  const listed = await orca(['triggers', 'list', 'deploy', '--url', api.url]);
  assert.match(listed.stdout, /^ci\s+https:\S+\s+orcahook_AbCd…\s+version←release\.tag\s+never\s+active$/m);
});

test('revoke and log find the trigger by name; a bad --value is a usage error', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/jobs') return { body: [job] };
      if (req.path === `/jobs/${JOB}`) return { body: { ...job, definition } };
      if (req.path === `/jobs/${JOB}/triggers`) return { body: [trigger] };
      if (req.path === `/jobs/${JOB}/triggers/${A}` && req.method === 'DELETE') return { status: 204 };
      if (req.path === `/jobs/${JOB}/triggers/${A}/invocations`) {
        return { body: [{ at, remoteAddress: '10.1.2.3', status: 201, runId: RUN, error: null }] };
      }
      return undefined;
    },
  });
  const log = await orca(['triggers', 'log', 'deploy', 'ci', '--url', api.url]);
  assert.equal(log.code, 0, log.stderr);
  assert.match(log.stdout, new RegExp(`10\\.1\\.2\\.3\\s+201\\s+${RUN}`));
  const revoked = await orca(['triggers', 'revoke', 'deploy', 'ci', '--url', api.url]);
  assert.equal(revoked.code, 0, revoked.stderr);
  assert.equal(api.requests.at(-1)?.method, 'DELETE');
  const bad = await orca(['triggers', 'add', 'deploy', 'x', '--value', 'replicas=many', '--url', api.url]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--value replicas/);
  const missing = await orca(['triggers', 'revoke', 'deploy', 'nope', '--url', api.url]);
  assert.equal(missing.code, 2);
});
