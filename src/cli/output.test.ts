import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  durationBetween,
  fields,
  formatDuration,
  LineSplitter,
  palette,
  prefixLine,
  table,
  truncate,
  visibleWidth,
} from './output.ts';

test('a table aligns its columns with two spaces and leaves no trailing blanks', () => {
  const out = table(
    ['NAME', 'ADDRESS', 'NOTE'],
    [
      ['web-1', '10.0.0.1:22', ''],
      ['database-primary', '10.0.0.20:2222', 'ok'],
    ],
  );
  assert.equal(
    out,
    'NAME              ADDRESS         NOTE\n' +
      'web-1             10.0.0.1:22\n' +
      'database-primary  10.0.0.20:2222  ok\n',
  );
});

test('colour codes do not count towards column width', () => {
  const p = palette(true);
  const out = table(
    ['S', 'X'],
    [
      [p.green('ok'), 'a'],
      ['failed', 'b'],
    ],
  );
  const lines = out.split('\n');
  assert.equal(visibleWidth(lines[1] ?? ''), 'ok      a'.length);
  assert.equal(lines[2], 'failed  b');
});

test('without a terminal there is no colour at all', () => {
  const p = palette(false);
  assert.equal(p.red('x') + p.bold('y') + p.dim('z'), 'xyz');
  assert.ok(!prefixLine('web-1', 5, 'stderr', 'boom').includes('\x1b'));
});

test('fields align their values', () => {
  assert.equal(
    fields([
      ['run', 'a'],
      ['command', 'b'],
    ]),
    'run:      a\ncommand:  b\n',
  );
});

test('host prefixes are padded to one width and marked by stream', () => {
  assert.equal(prefixLine('web-1', 8, 'stdout', 'hello'), 'web-1    | hello\n');
  assert.equal(prefixLine('db', 8, 'stderr', 'oops'), 'db       ! oops\n');
  assert.equal(prefixLine('db', 2, 'system', 'output truncated'), 'db * output truncated\n');
  assert.equal(prefixLine('web-1', 5, 'stdout', ''), 'web-1 |\n', 'an empty line has no trailing blank');
});

test('lines are split on newlines and a partial line waits for the rest', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('hel'), []);
  assert.deepEqual(s.push('lo\nwor'), ['hello']);
  assert.deepEqual(s.push('ld\n\nlast'), ['world', '']);
  assert.equal(s.end(), 'last');
  assert.equal(s.end(), null, 'end() forgets what it returned');
  assert.deepEqual(s.push('crlf\r\nx\r\n'), ['crlf', 'x']);
  assert.equal(s.end(), null);
});

test('durations read naturally at every scale', () => {
  assert.equal(formatDuration(850), '850ms');
  assert.equal(formatDuration(1234), '1.2s');
  assert.equal(formatDuration(184_000), '3m04s');
  assert.equal(formatDuration(7_500_000), '2h05m');
  assert.equal(durationBetween(null, null), '-');
  assert.equal(durationBetween('2024-01-01T00:00:00.000Z', '2024-01-01T00:00:02.500Z'), '2.5s');
  assert.equal(
    durationBetween('2024-01-01T00:00:00.000Z', null, Date.parse('2024-01-01T00:00:00.300Z')),
    '300ms',
  );
});

test('truncate keeps one line and marks what it cut', () => {
  assert.equal(truncate('short', 10), 'short');
  assert.equal(truncate('a\nb', 10), 'a b');
  assert.equal(truncate('abcdefghijk', 5), 'abcd…');
});
