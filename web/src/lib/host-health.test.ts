import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HealthStatus, Host } from '../api/types.ts';
import { factsDetail, factsSummary, filterByHealth, healthCounts } from './host-health.ts';

const host = (name: string, status: HealthStatus) =>
  ({
    name,
    health: { status, latencyMs: null, failureKind: null, message: null, checkedAt: null },
  }) as Host;

test('the health filter keeps the hosts in that state, or all', () => {
  const hosts = [host('a', 'up'), host('b', 'down'), host('c', 'unknown'), host('d', 'down')];
  assert.deepEqual(
    filterByHealth(hosts, 'down').map((h) => h.name),
    ['b', 'd'],
  );
  assert.equal(filterByHealth(hosts, 'all').length, 4);
  assert.deepEqual(healthCounts(hosts), { all: 4, up: 1, down: 2, unknown: 1 });
});

test('facts read as OS, version and architecture, with hostname and kernel in the detail', () => {
  const facts = {
    hostname: 'web-1',
    os: 'Debian GNU/Linux',
    osVersion: '12',
    kernel: '6.1.0-18-amd64',
    arch: 'x86_64',
    gatheredAt: '2025-01-01T00:00:00Z',
  };
  assert.equal(factsSummary(facts), 'Debian GNU/Linux 12 · x86_64');
  assert.equal(factsDetail(facts), 'hostname web-1, kernel 6.1.0-18-amd64');
  assert.equal(factsSummary(null), null);
  assert.equal(factsSummary({ ...facts, os: null, osVersion: null, arch: null }), null);
});
