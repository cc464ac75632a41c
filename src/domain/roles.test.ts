import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasRole, lowerRole } from './roles.ts';
import { sessionState, touchIntervalMs } from './session-expiry.ts';

test('a token acts with the lower of its role and its user’s current role', () => {
  assert.equal(lowerRole('admin', 'viewer'), 'viewer');
  assert.equal(lowerRole('viewer', 'admin'), 'viewer');
  assert.equal(lowerRole('operator', null), 'operator');
  assert.ok(hasRole('admin', 'operator') && !hasRole('viewer', 'operator'));
});

test('a session ends at its absolute expiry or after idling, whichever comes first', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const later = new Date(now.getTime() + 3600_000);
  assert.equal(sessionState({ expiresAt: later, lastSeenAt: ago(59 * 60_000) }, 3600_000, now), 'live');
  assert.equal(sessionState({ expiresAt: later, lastSeenAt: ago(3600_000) }, 3600_000, now), 'idle');
  assert.equal(sessionState({ expiresAt: ago(1), lastSeenAt: now }, 3600_000, now), 'expired');
});

test('last_seen_at is touched often enough that an active session never idles out', () => {
  assert.equal(touchIntervalMs(3600_000), 60_000);
  assert.ok(touchIntervalMs(120_000) < 120_000);
});
