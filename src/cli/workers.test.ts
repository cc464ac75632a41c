/** `orca workers` against a fake API. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orca, withApi } from '../../test/support/cli-harness.ts';

const at = '2024-01-01T00:00:00.000Z';
const worker = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  hostname: 'exec-1',
  pid: 1,
  version: '0.1.0',
  concurrency: 16,
  running: 3,
  tags: [],
  poolOnly: false,
  startedAt: at,
  lastHeartbeatAt: at,
  stoppingAt: null,
  stoppedAt: null,
  state: 'alive',
  ...extra,
});
const none = { pool: null, queued: 2, running: 3, workers: 1, capacity: 16, problem: null };

test('workers prints the executor summary and each worker with its load', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/workers') return { body: [worker('w-1')] };
      if (req.path === '/executor/status') {
        return {
          body: {
            queued: 2,
            pending: 5,
            running: 3,
            workers: { alive: 1, stopping: 0, silent: 1, capacity: 16 },
            pools: [none],
            perWorker: [],
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
  assert.match(r.stdout, /w-1\s+exec-1\s+0\.1\.0\s+alive\s+any\s+3\/16/);
  assert.doesNotMatch(r.stdout, /POOL/);
});

test('workers shows each pool, what each worker serves, and a pool no worker serves', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/workers') {
        return {
          body: [
            worker('w-dmz', { tags: ['zone=dmz'], poolOnly: true, state: 'stopping' }),
            worker('w-gpu', { tags: ['gpu=yes'] }),
          ],
        };
      }
      if (req.path === '/executor/status') {
        return {
          body: {
            queued: 4,
            pending: 0,
            running: 3,
            workers: { alive: 1, stopping: 1, silent: 0, capacity: 16 },
            pools: [
              none,
              { pool: 'gpu=yes', queued: 0, running: 0, workers: 1, capacity: 16, problem: null },
              {
                pool: 'zone=dmz',
                queued: 2,
                running: 0,
                workers: 0,
                capacity: 0,
                problem: 'no worker serves pool zone=dmz: 2 waiting',
              },
            ],
            perWorker: [],
            tasks: {},
          },
        };
      }
      return undefined;
    },
  });
  const r = await orca(['workers', '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /workers: 1 alive \(capacity 16\), 1 stopping\n/);
  assert.match(r.stdout, /zone=dmz\s+2\s+0\s+0\s+0\s+no worker serves pool zone=dmz: 2 waiting/);
  assert.match(r.stdout, /gpu=yes\s+0\s+0\s+1\s+16\s+-/);
  assert.match(r.stdout, /w-dmz\s+exec-1\s+0\.1\.0\s+stopping\s+zone=dmz \(pool-only\)\s+3\/16/);
  assert.match(r.stdout, /w-gpu\s+exec-1\s+0\.1\.0\s+alive\s+gpu=yes,\+unrouted/);
});
