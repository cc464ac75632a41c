/** `orca notifications …` against a fake API. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { A, orca, RUN, withApi } from '../../test/support/cli-harness.ts';

const at = '2024-01-01T00:00:00.000Z';
const rule = {
  id: A,
  name: 'ops-hook',
  job: null,
  events: ['failure', 'cancel'],
  kind: 'webhook',
  url: 'https://hooks.example.test/orca',
  recipients: null,
  signed: true,
  enabled: true,
  createdAt: at,
  updatedAt: at,
};

test('add-webhook sends the rule with the key read from stdin; list shows it without the key', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/notifications' && req.method === 'POST') return { status: 201, body: rule };
      if (req.path === '/notifications') return { body: [rule] };
      return undefined;
    },
  });
  const added = await orca(
    [
      'notifications',
      'add-webhook',
      'ops-hook',
      rule.url,
      '--on',
      'failure,cancel',
      '--secret-stdin',
      '--url',
      api.url,
    ],
    { stdin: 'a-signing-key-of-some-length\n' },
  );
  assert.equal(added.code, 0, added.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, {
    name: 'ops-hook',
    kind: 'webhook',
    url: rule.url,
    events: ['failure', 'cancel'],
    secret: 'a-signing-key-of-some-length',
  });
  assert.match(added.stdout, /added webhook ops-hook on failure, cancel, signed/);
  const listed = await orca(['notifications', 'list', '--url', api.url]);
  assert.match(
    listed.stdout,
    /^ops-hook\s+webhook \(signed\)\s+https:\/\/hooks\.example\.test\/orca\s+failure,cancel\s+\(every run\)\s+yes$/m,
  );
  assert.ok(!listed.stdout.includes('a-signing-key'));
});

test('add-email, disable by name and the failed deliveries', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/notifications' && req.method === 'POST') {
        return {
          status: 201,
          body: { ...rule, kind: 'email', url: null, signed: false, recipients: ['a@x.test', 'b@x.test'] },
        };
      }
      if (req.path === '/notifications') return { body: [rule] };
      if (req.path === `/notifications/${A}` && req.method === 'PATCH')
        return { body: { ...rule, enabled: false } };
      if (req.path === '/notifications/deliveries') {
        return {
          body: [
            {
              id: RUN,
              ruleId: A,
              ruleName: 'ops-hook',
              kind: 'webhook',
              runId: RUN,
              event: 'failure',
              status: 'failed',
              attempts: 5,
              lastError: 'ECONNREFUSED: connect ECONNREFUSED 10.0.0.9:443',
              responseStatus: null,
              createdAt: at,
              updatedAt: at,
              deliveredAt: null,
            },
          ],
        };
      }
      return undefined;
    },
  });
  const email = await orca([
    'notifications',
    'add-email',
    'mail',
    'a@x.test',
    'b@x.test',
    '--on',
    'success',
    '--job',
    'deploy',
    '--url',
    api.url,
  ]);
  assert.equal(email.code, 0, email.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, {
    name: 'mail',
    kind: 'email',
    recipients: ['a@x.test', 'b@x.test'],
    events: ['success'],
    job: 'deploy',
  });
  const off = await orca(['notifications', 'disable', 'ops-hook', '--url', api.url]);
  assert.equal(off.code, 0, off.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, { enabled: false });
  const log = await orca(['notifications', 'deliveries', '--rule', 'ops-hook', '--failed', '--url', api.url]);
  assert.equal(log.code, 0, log.stderr);
  const q = api.requests.at(-1)?.query;
  assert.deepEqual([q?.get('rule'), q?.get('status')], [A, 'failed']);
  assert.match(log.stdout, /ops-hook\s+1{8}-.*failure\s+failed\s+5\s+ECONNREFUSED/);
});

test('bad event names and unknown rules are usage errors', async (t) => {
  const api = await withApi(t, { http: (req) => (req.path === '/notifications' ? { body: [] } : undefined) });
  const bad = await orca([
    'notifications',
    'add-webhook',
    'x',
    'https://h.test/',
    '--on',
    'success,finished',
    '--url',
    api.url,
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not finished/);
  assert.equal(api.requests.length, 0, 'nothing was sent');
  const missing = await orca(['notifications', 'remove', 'nope', '--url', api.url]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no notification rule is named nope/);
});
