import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnsiParser, applySgr, color256 } from './ansi.ts';

const plain = (parts: { text: string }[]) => parts.map((p) => p.text).join('');

test('plain text passes through unstyled', () => {
  assert.deepEqual(new AnsiParser().push('hello\n'), [{ text: 'hello\n', style: null }]);
});

test('SGR colours and attributes become styles, reset clears them', () => {
  const out = new AnsiParser().push('a\x1b[1;31mb\x1b[0mc');
  assert.deepEqual(out, [
    { text: 'a', style: null },
    { text: 'b', style: { bold: true, fg: 1 } },
    { text: 'c', style: null },
  ]);
});

test('bright, 256-colour and truecolour foregrounds', () => {
  assert.equal(applySgr({}, '92').fg, 10);
  assert.equal(applySgr({}, '38;5;208').fg, color256(208));
  assert.equal(applySgr({}, '38;2;255;0;16').fg, '#ff0010');
  assert.equal(applySgr({}, '48;5;3').bg, 3);
  assert.equal(color256(232), '#080808');
});

test('style carries across chunks, and so does a sequence split between them', () => {
  const p = new AnsiParser();
  assert.deepEqual(p.push('x\x1b[3'), [{ text: 'x', style: null }]);
  assert.deepEqual(p.push('2my'), [{ text: 'y', style: { fg: 2 } }]);
  assert.deepEqual(p.push('z'), [{ text: 'z', style: { fg: 2 } }]);
});

test('other escape sequences are dropped', () => {
  const p = new AnsiParser();
  assert.equal(plain(p.push('\x1b[2K\x1b[1Gline\x1b]0;title\x07 end\x1b(B')), 'line end');
});

test('CRLF becomes LF even when split between chunks', () => {
  const p = new AnsiParser();
  assert.equal(plain(p.push('a\r')) + plain(p.push('\nb\r\n')), 'a\nb\n');
});

test('an overlong unterminated sequence is shown, not swallowed forever', () => {
  const p = new AnsiParser();
  const out = plain(p.push(`\x1b]${'x'.repeat(300)}`));
  assert.ok(out.length >= 300);
});
