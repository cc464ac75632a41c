import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './index.ts';

test('health checks default to every 300 s, 20 at a time; 0 disables them', () => {
  const d = loadConfig({});
  assert.equal(d.healthIntervalMs, 300_000);
  assert.equal(d.healthConcurrency, 20);
  const off = loadConfig({ ORCA_HEALTH_INTERVAL_S: '0', ORCA_HEALTH_CONCURRENCY: '3' });
  assert.equal(off.healthIntervalMs, 0);
  assert.equal(off.healthConcurrency, 3);
});

test('a negative interval or a concurrency of 0 is refused, naming the variable', () => {
  assert.throws(() => loadConfig({ ORCA_HEALTH_INTERVAL_S: '-1' }), /ORCA_HEALTH_INTERVAL_S/);
  assert.throws(() => loadConfig({ ORCA_HEALTH_CONCURRENCY: '0' }), /ORCA_HEALTH_CONCURRENCY/);
});

test('ORCA_CORS_ORIGINS: a list of origins, each scheme://host[:port]', () => {
  const base = { ORCA_HOME: '/tmp/orca-config-test' };
  assert.deepEqual(loadConfig(base).corsOrigins, []);
  assert.deepEqual(
    loadConfig({ ...base, ORCA_CORS_ORIGINS: 'https://a.example.com, http://localhost:5173/' }).corsOrigins,
    ['https://a.example.com', 'http://localhost:5173'],
  );
  assert.throws(
    () => loadConfig({ ...base, ORCA_CORS_ORIGINS: 'https://a.example.com/path' }),
    /ORCA_CORS_ORIGINS: "https:\/\/a.example.com\/path" is not an origin/,
  );
  assert.throws(() => loadConfig({ ...base, ORCA_CORS_ORIGINS: '*' }), /ORCA_CORS_ORIGINS/);
});

test('worker pools and grace: ORCA_WORKER_TAGS (comma-separated), ORCA_WORKER_POOL_ONLY, ORCA_WORKER_GRACE_S', () => {
  const d = loadConfig({});
  assert.deepEqual([d.workerTags, d.workerPoolOnly, d.workerGraceMs], [[], false, 30_000]);
  const c = loadConfig({
    ORCA_WORKER_TAGS: 'zone=dmz, gpu=yes',
    ORCA_WORKER_POOL_ONLY: 'true',
    ORCA_WORKER_GRACE_S: '5',
  });
  assert.deepEqual([c.workerTags, c.workerPoolOnly, c.workerGraceMs], [['gpu=yes', 'zone=dmz'], true, 5000]);
  assert.throws(() => loadConfig({ ORCA_WORKER_TAGS: 'dmz' }), /ORCA_WORKER_TAGS: worker tag "dmz"/);
});
