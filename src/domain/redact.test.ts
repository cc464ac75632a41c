import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redact, StreamRedactor } from './redact.ts';

test('a secret is masked wherever it appears', () => {
  assert.equal(redact('pw=hunter2 again hunter2', ['hunter2']), 'pw=*** again ***');
});

test('a secret split across chunks is still masked, and nothing else is lost', () => {
  const r = new StreamRedactor(['hunter2']);
  const out = r.push('abc hun') + r.push('ter2 def hu') + r.push('nt') + r.flush();
  assert.equal(out, 'abc *** def hunt');
});

test('every split point of a chunked stream gives the same masked text', () => {
  const text = 'x s3cr3t-value y s3cr3t-value z s3cr3t';
  for (let i = 0; i <= text.length; i++) {
    const r = new StreamRedactor(['s3cr3t-value']);
    assert.equal(r.push(text.slice(0, i)) + r.push(text.slice(i)) + r.flush(), 'x *** y *** z s3cr3t');
  }
});

test('without secrets the stream passes through untouched', () => {
  const r = new StreamRedactor([]);
  assert.equal(r.push('abc'), 'abc');
});

/** Every way of cutting `text` into two and into three chunks masks the same as the whole. */
function everySplit(text: string, secrets: string[], expected: string): void {
  assert.equal(redact(text, secrets), expected);
  for (let i = 0; i <= text.length; i++) {
    const two = new StreamRedactor(secrets);
    assert.equal(two.push(text.slice(0, i)) + two.push(text.slice(i)) + two.flush(), expected, `at ${i}`);
    for (let j = i; j <= text.length; j++) {
      const r = new StreamRedactor(secrets);
      const out = r.push(text.slice(0, i)) + r.push(text.slice(i, j)) + r.push(text.slice(j)) + r.flush();
      assert.equal(out, expected, `at ${i} and ${j}`);
    }
  }
}

test('a secret split across two or three chunks is masked at every split point', () => {
  everySplit('a hunter2 b hunter2', ['hunter2'], 'a *** b ***');
});

test('overlapping secrets: one a prefix of another, one inside another, one starting inside another', () => {
  // The longer one is masked whole, however the text is cut: no tail of it shows.
  everySplit('x abcdef y abc z', ['abc', 'abcdef'], 'x *** y *** z');
  everySplit('1 xyzabc 2 abcq', ['xyzabc', 'abcq'], '1 *** 2 ***');
  everySplit('pass word password', ['password', 'word'], 'pass *** ***');
  // A stream that ends inside a longer secret still masks the shorter one it completed.
  everySplit('end abc', ['abc', 'abcdef'], 'end ***');
});

test('secrets spanning lines and multi-byte characters are masked', () => {
  everySplit('<ünï ✓\nline2>', ['ünï ✓\nline2'], '<***>');
});
