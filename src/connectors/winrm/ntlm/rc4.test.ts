import assert from 'node:assert/strict';
import { test } from 'node:test';
import { md4Digest } from './md4.ts';
import { Rc4, rc4 } from './rc4.ts';

test('RC4 reproduces the classic published test vectors', () => {
  assert.equal(rc4(Buffer.from('Key'), Buffer.from('Plaintext')).toString('hex'), 'bbf316e8d940af0ad3');
  assert.equal(rc4(Buffer.from('Wiki'), Buffer.from('pedia')).toString('hex'), '1021bf0420');
  assert.equal(
    rc4(Buffer.from('Secret'), Buffer.from('Attack at dawn')).toString('hex'),
    '45a01f645fc35b383552544b9bf5',
  );
});

test('the RC4 key stream continues across calls, as NTLM sealing needs', () => {
  const data = Buffer.from('Attack at dawn, then again at dusk');
  const whole = rc4(Buffer.from('Secret'), data);
  const c = new Rc4(Buffer.from('Secret'));
  const parts = Buffer.concat([
    c.update(data.subarray(0, 5)),
    c.update(data.subarray(5, 5)),
    c.update(data.subarray(5)),
  ]);
  assert.deepEqual(parts, whole);
});

test('restoring an RC4 snapshot rewinds the key stream', () => {
  const c = new Rc4(Buffer.from('k'));
  c.update(Buffer.alloc(3));
  const saved = c.snapshot();
  const first = c.update(Buffer.alloc(8));
  saved.restore();
  assert.deepEqual(c.update(Buffer.alloc(8)), first);
});

test('MD4 matches RFC 1320 without OpenSSL', () => {
  assert.equal(md4Digest(Buffer.alloc(0)).toString('hex'), '31d6cfe0d16ae931b73c59d7e0c089c0');
  assert.equal(md4Digest(Buffer.from('abc')).toString('hex'), 'a448017aaf21d8525fc10ae87aa6729d');
  assert.equal(md4Digest(Buffer.from('message digest')).toString('hex'), 'd9130a8164549fe818874806e1c7014b');
  const long = Buffer.from('1234567890'.repeat(8));
  assert.equal(md4Digest(long).toString('hex'), 'e33b4ddc9c38f2199c3e7b164fcc0536');
});
