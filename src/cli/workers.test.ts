/** `orca workers` against a fake API. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orca, withApi } from '../../test/support/cli-harness.ts';

test('workers prints the executor summary and each worker with its load', async (t) => {
  const at = '2024-01-01T00:00:00.000Z';
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/workers') {
        return {
          body: [
            {
              id: 'w-1',
              hostname: 'exec-1',
              pid: 1,
              version: '0.1.0',
              concurrency: 16,
              running: 3,
              startedAt: at,
              lastHeartbeatAt: at,
              stoppedAt: null,
              state: 'alive',
            },
          ],
        };
      }
      if (req.path === '/executor/status') {
        return {
          body: {
            queued: 2,
            pending: 5,
            running: 3,
            workers: { alive: 1, silent: 1, capacity: 16 },
            tasks: {},
          },
        };
      }
      return undefined;
    },
  });
  const r = await orca(['workers', '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^executions: 3 running, 2 queued for a worker, 5 waiting for their strategy; workers: 1 alive \(capacity 16\), 1 silent\n/,
  );
  assert.match(r.stdout, /w-1\s+exec-1\s+0\.1\.0\s+alive\s+3\/16/);
});
