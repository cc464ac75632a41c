/**
 * Worker pools with real worker processes and a real sshd: hosts routed to a pool run only on
 * workers of that pool, unrouted hosts on any worker that is not --pool-only, and a pool without
 * a worker waits (and says so) until one starts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { type RunView, registerSshd, startRun, waitForRun } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';
import { eventually, spawnWorker, type WorkerProcess } from './support/worker-process.ts';

let app: TestApp;
let sshd: SshdHandle;
const started: WorkerProcess[] = [];

interface Execution {
  hostName: string;
  status: string;
  workerId: string | null;
  pool: string | null;
}
interface PoolStatus {
  pool: string | null;
  queued: number;
  running: number;
  workers: number;
  capacity: number;
  problem: string | null;
}
interface Status {
  queued: number;
  pools: PoolStatus[];
  perWorker: { id: string; tags: string[]; poolOnly: boolean }[];
  tasks: Record<string, number>;
}

before(async () => {
  [app, sshd] = await Promise.all([startTestApp({ worker: false }), startSshd()]);
  for (const [name, pool] of [
    ['inside-1', null],
    ['dmz-1', 'zone=dmz'],
    ['dmz-2', 'zone=dmz'],
    ['lan-1', 'zone=lan'],
  ] as const) {
    const host = await registerSshd(app, sshd, name);
    if (pool) {
      const res = await app.api(`/hosts/${host.id}`, { method: 'PATCH', body: { pool } });
      assert.equal(res.status, 200, await res.text());
    }
  }
});
after(async () => {
  for (const w of started) w.kill('SIGKILL');
  await app?.stop();
  await sshd?.stop();
});

async function worker(...args: string[]): Promise<WorkerProcess> {
  const w = await spawnWorker(app, ['--concurrency', '4', ...args]);
  started.push(w);
  return w;
}

async function stop(w: WorkerProcess): Promise<void> {
  w.kill('SIGTERM');
  assert.equal(await w.exited, 0, w.stderr());
}

const status = async () => (await (await app.api('/executor/status')).json()) as Status;
const poolOf = (s: Status, pool: string | null) => s.pools.find((p) => p.pool === pool);
const executions = (run: RunView) => run.executions as unknown as Execution[];

test('a host pool is validated, shown and filtered by', async () => {
  const list = async (q: string) =>
    ((await (await app.api(`/hosts${q}`)).json()) as { name: string; pool: string | null }[]).map(
      (h) => h.name,
    );
  assert.deepEqual(await list('?pool=zone=dmz'), ['dmz-1', 'dmz-2']);
  assert.deepEqual(await list('?pool=none'), ['inside-1']);
  const hosts = (await (await app.api('/hosts')).json()) as {
    id: string;
    name: string;
    pool: string | null;
  }[];
  const inside = hosts.find((h) => h.name === 'inside-1')!;
  assert.equal(inside.pool, null);
  const bad = await app.api(`/hosts/${inside.id}`, { method: 'PATCH', body: { pool: 'dmz' } });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /body\.pool/);
});

test('hosts of a pool run only on its workers; hosts with no pool on any worker', async () => {
  const dmz = await worker('--tags', 'zone=dmz');
  const plain = await worker();
  const s = await status();
  assert.deepEqual(
    s.perWorker.filter((w) => w.id === dmz.id).map((w) => [w.tags, w.poolOnly]),
    [[['zone=dmz'], false]],
  );
  assert.equal(poolOf(s, 'zone=dmz')?.workers, 1);
  assert.equal(poolOf(s, null)?.workers, 2);

  const runs = await Promise.all(
    Array.from({ length: 6 }, () => startRun(app, 'echo ok', ['dmz-1', 'dmz-2', 'inside-1'])),
  );
  const seen = new Set<string>();
  for (const r of runs) {
    const done = await waitForRun(app, r.id);
    assert.equal(done.status, 'succeeded');
    for (const e of executions(done)) {
      if (e.hostName.startsWith('dmz-')) {
        assert.equal(e.workerId, dmz.id, `${e.hostName} ran on ${e.workerId}`);
        assert.equal(e.pool, 'zone=dmz');
      } else {
        assert.ok(e.workerId === dmz.id || e.workerId === plain.id, `inside-1 ran on ${e.workerId}`);
        assert.equal(e.pool, null);
      }
      if (e.workerId) seen.add(e.workerId);
    }
  }
  assert.ok(seen.has(dmz.id));
  await stop(dmz);
  await stop(plain);
});

test('a --pool-only worker leaves hosts with no pool to other workers', async () => {
  const dmz = await worker('--tags', 'zone=dmz', '--pool-only');
  const routed = await startRun(app, 'echo dmz', ['dmz-1']);
  assert.equal((await waitForRun(app, routed.id)).status, 'succeeded');
  // With only the pool-only worker alive, an unrouted host waits, and the status says why.
  const waiting = await startRun(app, 'echo inside', ['inside-1']);
  const none = await eventually('the unrouted execution to be queued', async () => {
    const p = poolOf(await status(), null);
    return p && p.queued === 1 ? p : undefined;
  });
  assert.equal(none.workers, 0);
  assert.match(none.problem ?? '', /every live worker is --pool-only/);
  // A run routed to the pool, launched after it, finishes while the unrouted one still waits.
  const later = await startRun(app, 'echo dmz again', ['dmz-2']);
  assert.equal((await waitForRun(app, later.id)).status, 'succeeded');
  const still = (await (await app.api(`/runs/${waiting.id}`)).json()) as RunView;
  assert.equal(still.executions[0]?.status, 'queued');

  const plain = await worker();
  const done = await waitForRun(app, waiting.id);
  assert.equal(done.status, 'succeeded');
  assert.equal(executions(done)[0]?.workerId, plain.id);
  await stop(dmz);
  await stop(plain);
});

test('a pool no worker serves stays queued and says so; a worker of that pool drains it', async () => {
  const plain = await worker('--tags', 'zone=dmz');
  const lan = await startRun(app, 'echo lan', ['lan-1']);
  // A host check of a lan host is routed the same way: it waits for a lan worker too.
  const lanHost = ((await (await app.api('/hosts?pool=zone=lan')).json()) as { id: string }[])[0]!;
  const check = app.api(`/hosts/${lanHost.id}/test`, { method: 'POST' });
  // Work launched after it on the served pools finishes first.
  const other = await startRun(app, 'echo other', ['inside-1', 'dmz-1']);
  assert.equal((await waitForRun(app, other.id)).status, 'succeeded');
  const s = await eventually('the lan check to be queued', async () => {
    const x = await status();
    return x.tasks['orca.check-host@zone=lan'] === 1 ? x : undefined;
  });
  assert.deepEqual(poolOf(s, 'zone=lan'), {
    pool: 'zone=lan',
    queued: 1,
    running: 0,
    workers: 0,
    capacity: 0,
    problem: 'no worker serves pool zone=lan: 1 waiting',
  });
  assert.equal(s.tasks['orca.execute@zone=lan'], 1);
  const still = (await (await app.api(`/runs/${lan.id}`)).json()) as RunView;
  assert.deepEqual([still.status, still.executions[0]?.status], ['queued', 'queued']);
  const unanswered = await check;
  assert.equal(unanswered.status, 503);
  assert.match(await unanswered.text(), /no worker of pool zone=lan answered.*orca worker --tags zone=lan/);

  const lanWorker = await worker('--tags', 'zone=lan', '--pool-only');
  const done = await waitForRun(app, lan.id);
  assert.equal(done.status, 'succeeded');
  assert.equal(executions(done)[0]?.workerId, lanWorker.id);
  // The check that waited is taken by the lan worker too.
  await eventually('the lan host check to be answered', async () => {
    const h = (await (await app.api(`/hosts/${lanHost.id}`)).json()) as { lastCheck: { ok: boolean } | null };
    return h.lastCheck?.ok ? true : undefined;
  });
  assert.equal((await status()).tasks['orca.check-host@zone=lan'], undefined);
  const after = poolOf(await status(), 'zone=lan');
  assert.deepEqual([after?.queued, after?.workers, after?.problem], [0, 1, null]);
  await stop(lanWorker);
  await stop(plain);
});
