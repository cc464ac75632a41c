/**
 * Periodic health checks through the real sweep and worker: an up host (real sshd), a down host
 * (nothing listening) and a slow host (accepts TCP, never sends an SSH banner).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname, release } from 'node:os';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { finishHostCheck, queueDueHealthChecks } from '../src/db/host-checks.ts';
import { parseOsRelease } from '../src/domain/host-facts.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { addHost, addPasswordCredential } from './support/fleet.ts';
import { freePort, type SshdHandle, startSilentTcpServer, startSshd } from './support/sshd.ts';

interface HostView {
  id: string;
  name: string;
  health: {
    status: string;
    latencyMs: number | null;
    failureKind: string | null;
    message: string | null;
    checkedAt: string | null;
  };
  facts: {
    hostname: string;
    os: string;
    osVersion: string;
    kernel: string;
    arch: string;
    gatheredAt: string;
  } | null;
}

let app: TestApp;
let idle: TestApp;
let sshd: SshdHandle;
let silent: { port: number; stop(): Promise<void> };

async function hosts(app: TestApp, query = ''): Promise<HostView[]> {
  const res = await app.api(`/hosts${query}`);
  assert.equal(res.status, 200);
  return (await res.json()) as HostView[];
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

before(async () => {
  [sshd, silent] = await Promise.all([startSshd(), startSilentTcpServer()]);
  app = await startTestApp({
    env: { ORCA_HEALTH_INTERVAL_S: '1', ORCA_HEALTH_CONCURRENCY: '5', ORCA_CONNECT_TIMEOUT_MS: '8000' },
  });
  idle = await startTestApp({ worker: false });
});
after(async () => {
  await Promise.all([app?.stop(), idle?.stop()]);
  await Promise.all([sshd?.stop(), silent?.stop()]);
});

test('up, down and slow hosts each end in their state, and the slow one delays no other', async () => {
  const credentialId = await addPasswordCredential(app, 'pw', sshd.password);
  // The slow host first: its check is in flight while the others are checked.
  await addHost(app, { name: 'slow', port: silent.port, username: sshd.user, credentialId });
  await addHost(app, { name: 'down', port: await freePort(), username: sshd.user, credentialId });
  await addHost(app, { name: 'up', port: sshd.port, username: sshd.user, credentialId });

  const first = await until('up and down to be checked', async () => {
    const all = await hosts(app);
    const by = (n: string) => all.find((h) => h.name === n)?.health;
    return by('up')?.status === 'up' && by('down')?.status === 'down' ? all : undefined;
  });
  const by = (list: HostView[], n: string) => list.find((h) => h.name === n) as HostView;
  assert.equal(by(first, 'slow').health.status, 'unknown', 'the slow check is still waiting for a banner');

  const up = by(first, 'up').health;
  assert.equal(up.failureKind, null);
  assert.ok(Number.isInteger(up.latencyMs) && (up.latencyMs ?? -1) >= 0);
  assert.match(up.message ?? '', /^connected as orca-test/);
  const down = by(first, 'down').health;
  assert.equal(down.failureKind, 'unreachable');
  assert.match(down.message ?? '', /connection refused/);
  assert.equal(down.latencyMs, null);

  const slow = await until('the slow host to time out', async () => {
    const h = by(await hosts(app), 'slow');
    return h.health.status === 'down' ? h.health : undefined;
  });
  assert.equal(slow.failureKind, 'timeout');
  assert.match(
    slow.message ?? '',
    /timed out after 8s: the TCP connection opened but no SSH handshake followed/,
  );
  // Checked before the slow one finished, and again since: the sweep kept going around it.
  const later = await hosts(app);
  assert.ok(Date.parse(by(first, 'up').health.checkedAt ?? '') < Date.parse(slow.checkedAt ?? ''));
  assert.ok(
    Date.parse(by(later, 'up').health.checkedAt ?? '') > Date.parse(by(first, 'up').health.checkedAt ?? ''),
  );
});

test('a check gathers the facts of the host, exactly as the host itself reports them', async () => {
  const up = (await hosts(app)).find((h) => h.name === 'up');
  assert.ok(up?.facts);
  const osRelease = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
  assert.equal(up.facts.hostname, hostname());
  assert.equal(up.facts.os, osRelease.NAME);
  assert.equal(up.facts.osVersion, osRelease.VERSION_ID);
  assert.equal(up.facts.kernel, release());
  assert.equal(up.facts.arch, execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
  assert.ok(Date.parse(up.facts.gatheredAt) > 0);
  const down = (await hosts(app)).find((h) => h.name === 'down');
  assert.equal(down?.facts, null);
});

test('the hosts list filters on health and on the OS fact', async () => {
  await until('slow to be down', async () =>
    (await hosts(app, '?health=down')).length === 2 ? true : undefined,
  );
  assert.deepEqual(
    (await hosts(app, '?health=down')).map((h) => h.name),
    ['down', 'slow'],
  );
  assert.deepEqual(
    (await hosts(app, '?health=up')).map((h) => h.name),
    ['up'],
  );
  const os = parseOsRelease(readFileSync('/etc/os-release', 'utf8')).NAME ?? '';
  const word = os.split(' ')[0]?.toUpperCase() ?? '';
  assert.deepEqual(
    (await hosts(app, `?os=${encodeURIComponent(word)}`)).map((h) => h.name),
    ['up'],
  );
  assert.deepEqual(await hosts(app, '?os=no-such-os'), []);
  const bad = await app.api('/hosts?health=sideways');
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /health/);
});

test('a sweep keeps at most the configured number of checks in flight, even when sweeps overlap', async () => {
  const credentialId = await addPasswordCredential(idle, 'pw', 'x');
  for (let i = 0; i < 5; i++) {
    await addHost(idle, {
      name: `h${i}`,
      port: 22,
      username: 'u',
      credentialId,
      address: `10.255.0.${i + 1}`,
    });
  }
  const db = idle.database.handle.db;
  const o = { intervalMs: 60_000, concurrency: 2, staleMs: 600_000 };
  const queued = () =>
    db
      .selectFrom('host_checks')
      .select(['id', 'host_id'])
      .where('status', '=', 'queued')
      .where('source', '=', 'health')
      .execute();
  const counts = await Promise.all([
    queueDueHealthChecks(db, o),
    queueDueHealthChecks(db, o),
    queueDueHealthChecks(db, o),
  ]);
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    2,
  );
  assert.equal((await queued()).length, 2);
  assert.equal(await queueDueHealthChecks(db, o), 0, 'no slot is free');

  for (const c of await queued()) {
    await finishHostCheck(db, c.id, { ok: false, failureKind: 'unreachable', message: 'x', latencyMs: null });
  }
  const next = await queued();
  assert.equal(await queueDueHealthChecks(db, o), 2);
  const again = await queued();
  assert.equal(again.length, 2);
  assert.equal(next.length, 0);
  // Hosts checked a moment ago are not due; the ones never checked go first.
  const checked = await db.selectFrom('hosts').select('id').where('health_status', '=', 'down').execute();
  assert.equal(checked.length, 2);
  for (const c of again) assert.ok(!checked.some((h) => h.id === c.host_id));
  const jobs = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs
    where task_identifier = 'orca.check-host'`.execute(db);
  assert.equal(jobs.rows[0]?.n, 4, 'one queue task per check');
});
