import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  commandPreview,
  countsSummary,
  elapsed,
  formatBytes,
  formatDuration,
  relativeTime,
} from './format.ts';

test('durations read naturally at every scale', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(1234), '1.23 s');
  assert.equal(formatDuration(12_345), '12.3 s');
  assert.equal(formatDuration(245_000), '4m 05s');
  assert.equal(formatDuration(2 * 3600_000 + 3 * 60_000), '2h 03m');
  assert.equal(formatDuration(-1), '—');
});

test('elapsed runs to now until there is an end', () => {
  assert.equal(elapsed(null, null), null);
  assert.equal(elapsed('2024-01-01T00:00:00Z', '2024-01-01T00:00:02Z'), 2000);
  assert.equal(elapsed('2024-01-01T00:00:00Z', null, Date.parse('2024-01-01T00:01:00Z')), 60_000);
});

test('relative times', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  assert.equal(relativeTime('2024-05-01T11:59:50Z', now), 'just now');
  assert.equal(relativeTime('2024-05-01T11:55:00Z', now), '5 min ago');
  assert.equal(relativeTime('2024-05-01T09:00:00Z', now), '3 h ago');
  assert.equal(relativeTime('2024-04-29T12:00:00Z', now), '2 d ago');
});

test('sizes and counts', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(200 * 1024), '200 KB');
  assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MB');
  const counts = {
    total: 3,
    queued: 0,
    running: 0,
    succeeded: 1,
    failed: 2,
    canceled: 0,
    lost: 0,
    skipped: 0,
  };
  assert.equal(countsSummary(counts), '1/3 ok · 2 failed');
  assert.equal(countsSummary({ ...counts, succeeded: 3, failed: 0 }), '3/3 ok');
  assert.equal(countsSummary({ ...counts, failed: 1, skipped: 1 }), '1/3 ok · 1 failed · 1 skipped');
});

test('command preview shows the first line, shortened', () => {
  assert.equal(commandPreview('echo a\necho b'), 'echo a …');
  assert.equal(commandPreview('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
});
