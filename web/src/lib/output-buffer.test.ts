import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputBuffer } from './output-buffer.ts';

const text = (b: OutputBuffer) =>
  b
    .snapshot()
    .segments.map((s) => s.text)
    .join('');

test('adjacent output of the same stream and style is merged, keeping its id', () => {
  const b = new OutputBuffer();
  b.append('stdout', 'a');
  const id = b.snapshot().segments[0]?.id;
  b.append('stdout', 'b');
  b.append('stderr', 'c');
  const { segments } = b.snapshot();
  assert.deepEqual(
    segments.map((s) => [s.kind, s.text]),
    [
      ['stdout', 'ab'],
      ['stderr', 'c'],
    ],
  );
  assert.equal(segments[0]?.id, id);
});

test('a system note starts on its own line', () => {
  const b = new OutputBuffer();
  b.append('stdout', 'partial');
  b.append('system', 'output truncated');
  assert.equal(text(b), 'partial\noutput truncated\n');
});

test('snapshot is the same object until something changes', () => {
  const b = new OutputBuffer();
  b.append('stdout', 'x');
  const first = b.snapshot();
  assert.equal(b.snapshot(), first);
  b.append('stdout', 'y');
  assert.notEqual(b.snapshot(), first);
});

test('past the cap, the oldest text is dropped at a line break and counted', () => {
  const b = new OutputBuffer(100, 0.5);
  for (let i = 0; i < 100; i++) b.append(i % 2 ? 'stderr' : 'stdout', `line ${String(i).padStart(3, '0')}\n`);
  const view = b.snapshot();
  const shown = text(b);
  assert.ok(shown.length <= 150, `shown ${shown.length}`);
  assert.ok(shown.startsWith('line '), shown.slice(0, 20));
  assert.ok(shown.endsWith('line 099\n'));
  assert.equal(view.dropped + shown.length, 100 * 9);
});

test('stays bounded under a flood of small chunks', () => {
  const b = new OutputBuffer(1000);
  for (let i = 0; i < 20_000; i++) b.append('stdout', 'abcdefghij\n');
  assert.ok(b.length <= 1250);
  assert.equal(b.snapshot().dropped + b.length, 20_000 * 11);
});
