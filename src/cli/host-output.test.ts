import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEvent } from '../http/schemas.ts';
import { HostOutput, parseStatus } from './host-output.ts';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
let seq = 0;
const ev = (executionId: string, kind: LogEvent['kind'], data: string): LogEvent => ({
  executionId,
  seq: ++seq,
  step: null,
  kind,
  data,
  at: '2024-01-01T00:00:00.000Z',
});

function printer() {
  const lines: string[] = [];
  const out = new HostOutput((s) => lines.push(s));
  out.setExecutions([
    { id: A, hostName: 'web-1' },
    { id: B, hostName: 'db-primary' },
  ]);
  return { out, lines };
}

test('output lines are prefixed by their host, padded to the longest name', () => {
  const { out, lines } = printer();
  out.event(ev(A, 'stdout', 'root\n'));
  out.event(ev(B, 'stdout', 'postgres\n'));
  assert.deepEqual(lines, ['web-1      | root\n', 'db-primary | postgres\n']);
});

test('partial lines wait per host and per stream until their newline', () => {
  const { out, lines } = printer();
  out.event(ev(A, 'stdout', 'hel'));
  out.event(ev(B, 'stdout', 'other\n'));
  out.event(ev(A, 'stderr', 'warn'));
  out.event(ev(A, 'stdout', 'lo\n'));
  out.event(ev(A, 'stderr', 'ing\n'));
  assert.deepEqual(lines, ['db-primary | other\n', 'web-1      | hello\n', 'web-1      ! warning\n']);
});

test("a host's final status prints its unfinished line and, on failure, why", () => {
  const { out, lines } = printer();
  out.event(ev(A, 'stdout', 'no newline'));
  out.event(
    ev(A, 'status', JSON.stringify({ status: 'succeeded', exitCode: 0, failureKind: null, message: null })),
  );
  out.event(ev(B, 'status', JSON.stringify({ status: 'running' })));
  out.event(
    ev(
      B,
      'status',
      JSON.stringify({ status: 'failed', failureKind: 'unreachable', message: 'connection refused' }),
    ),
  );
  out.event(
    ev(
      A,
      'status',
      JSON.stringify({ status: 'canceled', failureKind: 'canceled', message: 'it was killed' }),
    ),
  );
  assert.deepEqual(lines, [
    'web-1      | no newline\n',
    'db-primary * failed: unreachable: connection refused\n',
    'web-1      * canceled: it was killed\n',
  ]);
});

test('flush prints every pending partial line at the end', () => {
  const { out, lines } = printer();
  out.event(ev(A, 'stdout', 'a'));
  out.event(ev(B, 'stderr', 'b'));
  out.flush();
  out.flush();
  assert.deepEqual(lines, ['web-1      | a\n', 'db-primary ! b\n']);
});

test('system notes are shown with their own mark', () => {
  const { out, lines } = printer();
  out.event(ev(A, 'system', 'output truncated: 10 bytes over the limit were dropped'));
  assert.deepEqual(lines, ['web-1      * output truncated: 10 bytes over the limit were dropped\n']);
});

test('status data that is not JSON is tolerated', () => {
  assert.deepEqual(parseStatus('nope'), { status: '', failureKind: '', message: '' });
});

test("a job step's heading is printed when a host's events enter it, after the last step's partial line", () => {
  const { out, lines } = printer();
  out.setSteps([
    { index: 0, name: 'Who' },
    { index: 1, name: 'Upload release' },
  ]);
  const at = (executionId: string, step: number | null, kind: LogEvent['kind'], data: string) => ({
    ...ev(executionId, kind, data),
    step,
  });
  out.event(at(A, 0, 'stdout', 'root\npart'));
  out.event(at(B, 0, 'stdout', 'postgres\n'));
  out.event(at(A, 1, 'stdout', 'copied\n'));
  out.event(at(A, 1, 'stdout', 'again\n'));
  out.event(at(A, null, 'status', JSON.stringify({ status: 'succeeded' })));
  assert.deepEqual(lines, [
    'web-1      # step 1/2: Who\n',
    'web-1      | root\n',
    'db-primary # step 1/2: Who\n',
    'db-primary | postgres\n',
    'web-1      | part\n',
    'web-1      # step 2/2: Upload release\n',
    'web-1      | copied\n',
    'web-1      | again\n',
  ]);
});
