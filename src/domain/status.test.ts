import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveRunStatus } from './status.ts';

test('a run is queued until an execution starts, then running until all are final', () => {
  assert.equal(deriveRunStatus(['queued', 'queued'], false), 'queued');
  assert.equal(deriveRunStatus(['running', 'queued'], false), 'running');
  assert.equal(deriveRunStatus(['succeeded', 'queued'], false), 'running');
});

test('a run succeeds only when every host succeeded', () => {
  assert.equal(deriveRunStatus(['succeeded', 'succeeded'], false), 'succeeded');
  assert.equal(deriveRunStatus(['succeeded', 'failed'], false), 'failed');
  assert.equal(deriveRunStatus(['succeeded', 'lost'], false), 'failed');
});

test('a canceled run whose hosts were stopped is canceled, not failed', () => {
  assert.equal(deriveRunStatus(['succeeded', 'canceled'], true), 'canceled');
  assert.equal(deriveRunStatus(['succeeded', 'succeeded'], true), 'succeeded');
});
