import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldUnchanged, lineDiff } from './line-diff.ts';

test('a changed line is a removal and an addition, numbered in each text', () => {
  const d = lineDiff('name: a\nsteps: 1\nend\n', 'name: a\nsteps: 2\nend\n');
  assert.equal(d.added, 1);
  assert.equal(d.removed, 1);
  assert.deepEqual(
    d.lines.map((l) => [l.kind, l.oldLine, l.newLine, l.text]),
    [
      ['same', 1, 1, 'name: a'],
      ['removed', 2, null, 'steps: 1'],
      ['added', null, 2, 'steps: 2'],
      ['same', 3, 3, 'end'],
    ],
  );
});

test('equal texts have no changes; a missing final line break is not a line', () => {
  const d = lineDiff('a\nb', 'a\nb');
  assert.equal(d.added + d.removed, 0);
  assert.equal(d.lines.length, 2);
});

test('long unchanged stretches fold around the changes', () => {
  const older = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
  const newer = older.replace('line 10', 'line ten');
  const rows = foldUnchanged(lineDiff(older, newer).lines, 2);
  assert.deepEqual(
    rows.map((r) => (r.kind === 'gap' ? `gap ${r.hidden}` : `${r.kind} ${r.text}`)),
    [
      'gap 7',
      'same line 8',
      'same line 9',
      'removed line 10',
      'added line ten',
      'same line 11',
      'same line 12',
      'gap 8',
    ],
  );
});
