import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEvent } from '../api/types.ts';
import { outputKey, RunOutputs } from './run-outputs.ts';

const EX = 'ex-1';
let seq = 0;
const ev = (kind: LogEvent['kind'], data: string, step: number | null): LogEvent => ({
  executionId: EX,
  seq: ++seq,
  kind,
  data,
  at: '',
  step,
});
const text = (outputs: RunOutputs, key: string) =>
  (outputs.snapshot(key)?.segments ?? []).map((s) => s.text).join('');

test("a job run's output is kept whole, with step headings, and per step", () => {
  const names = ['Build', 'Install'];
  const outputs = new RunOutputs((i) => (names[i] ? `${i + 1}. ${names[i]}` : undefined));
  assert.deepEqual(outputs.append(ev('stdout', 'built\n', 0)), [outputKey(EX), outputKey(EX, 0)]);
  outputs.append(ev('stdout', 'more\n', 0));
  outputs.append(ev('stdout', 'installed\n', 1));
  outputs.append(ev('system', 'host finished', null));
  assert.deepEqual(outputs.append(ev('status', 'succeeded', null)), []);

  assert.equal(
    text(outputs, outputKey(EX)),
    '▸ 1. Build\nbuilt\nmore\n▸ 2. Install\ninstalled\nhost finished\n',
  );
  assert.equal(text(outputs, outputKey(EX, 0)), 'built\nmore\n');
  assert.equal(text(outputs, outputKey(EX, 1)), 'installed\n');
  assert.equal(outputs.snapshot(outputKey(EX, 2)), undefined);
});

test("a step that starts with the server's own note needs no heading", () => {
  const outputs = new RunOutputs((i) => `${i + 1}. Step`);
  outputs.append(ev('system', 'step 1 "Step" (exec) started', 0));
  outputs.append(ev('stdout', 'out\n', 0));
  assert.equal(text(outputs, outputKey(EX)), 'step 1 "Step" (exec) started\nout\n');
  assert.equal(text(outputs, outputKey(EX, 0)), 'step 1 "Step" (exec) started\nout\n');
});

test('ad-hoc output has no headings and no step buffers', () => {
  const outputs = new RunOutputs();
  outputs.append(ev('stdout', 'hello\n', null));
  assert.equal(text(outputs, outputKey(EX)), 'hello\n');
});
