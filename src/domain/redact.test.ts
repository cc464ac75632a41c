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
