/** `orca credentials add --agent` against a fake API. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CRED, orca, withApi } from '../../test/support/cli-harness.ts';

test('credentials add --agent stores an agent credential, forwarding only when asked', async (t) => {
  const api = await withApi(t, {
    http: (req) =>
      req.path === '/credentials' && req.method === 'POST'
        ? {
            status: 201,
            body: { id: CRED, name: 'agent', kind: 'ssh-agent', fingerprint: null, hostCount: 0 },
          }
        : undefined,
  });
  const r = await orca(['credentials', 'add', 'agent', '--agent', '--agent-forward', '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(api.requests.at(-1)?.body, { name: 'agent', kind: 'ssh-agent', forward: true });
  assert.match(r.stdout, /added credential agent \(ssh-agent\)/);
  const both = await orca(['credentials', 'add', 'x', '--agent', '--password-stdin', '--url', api.url]);
  assert.equal(both.code, 2);
  const lonely = await orca(['credentials', 'add', 'x', '--agent-forward', '--url', api.url]);
  assert.equal(lonely.code, 2);
  assert.match(lonely.stderr, /--agent-forward goes with --agent/);
});
