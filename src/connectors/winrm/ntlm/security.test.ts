import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NtlmError } from './errors.ts';
import { NtlmFlags } from './flags.ts';
import { createSecurity } from './security.ts';
import { hex, nlmpVectors } from './test-fixtures.ts';

const { inputs, outputs } = nlmpVectors();
const key = hex(inputs.random_session_key!);
const flags = Number.parseInt(inputs.negotiate_flags_hex!, 16);
const plaintext = Buffer.from(inputs.seal_plaintext_utf16le_of!, 'utf16le');
const isSignature = (e: unknown) => e instanceof NtlmError && e.code === 'signature';

test('sealing "Plaintext" reproduces the MS-NLMP 4.2.4.4 ciphertext and KEY_EXCH signature', () => {
  const { sealed, signature } = createSecurity(key, flags, 'client').wrap(plaintext);
  assert.equal(sealed.toString('hex'), outputs.sealed_plaintext);
  assert.equal(signature.toString('hex'), outputs.signature_with_key_exch);
});

test('without KEY_EXCH the checksum is left unencrypted', () => {
  const noKeyExch = (flags & ~NtlmFlags.KEY_EXCH) >>> 0;
  const { sealed, signature } = createSecurity(key, noKeyExch, 'client').wrap(plaintext);
  assert.equal(sealed.toString('hex'), outputs.sealed_plaintext);
  const expected = Object.entries(outputs).find(([k]) => k.startsWith('signature_without_key_exch'))?.[1];
  assert.equal(signature.toString('hex'), expected);
});

test('the server opens what the client sealed and vice versa, many messages each way', () => {
  for (const f of [flags, (flags & ~NtlmFlags.KEY_EXCH) >>> 0]) {
    const client = createSecurity(key, f, 'client');
    const server = createSecurity(key, f, 'server');
    for (let i = 0; i < 50; i++) {
      const up = Buffer.from(`request ${i} ${'x'.repeat(i * 37)}`);
      const w = client.wrap(up);
      assert.equal(w.signature.readUInt32LE(12), i);
      assert.deepEqual(server.unwrap(w.sealed, w.signature), up);
      const down = Buffer.from(`response ${i}`);
      const r = server.wrap(down);
      assert.deepEqual(client.unwrap(r.sealed, r.signature), down);
    }
  }
});

test('a replayed, reordered or tampered message is rejected and leaves the context usable', () => {
  const client = createSecurity(key, flags, 'client');
  const server = createSecurity(key, flags, 'server');
  const m0 = client.wrap(Buffer.from('zero'));
  const m1 = client.wrap(Buffer.from('one'));
  assert.throws(() => server.unwrap(m1.sealed, m1.signature), isSignature);
  assert.deepEqual(server.unwrap(m0.sealed, m0.signature), Buffer.from('zero'));
  assert.throws(() => server.unwrap(m0.sealed, m0.signature), isSignature);
  const flipped = Buffer.from(m1.sealed);
  flipped[0]! ^= 1;
  assert.throws(() => server.unwrap(flipped, m1.signature), isSignature);
  const badSig = Buffer.from(m1.signature);
  badSig[5]! ^= 0x80;
  assert.throws(() => server.unwrap(m1.sealed, badSig), isSignature);
  assert.throws(() => server.unwrap(m1.sealed, m1.signature.subarray(0, 15)), isSignature);
  assert.deepEqual(server.unwrap(m1.sealed, m1.signature), Buffer.from('one'));
});

test('a message sealed for the other direction does not open', () => {
  const client = createSecurity(key, flags, 'client');
  const other = createSecurity(key, flags, 'client');
  const m = client.wrap(Buffer.from('hello'));
  assert.throws(() => other.unwrap(m.sealed, m.signature), isSignature);
});

test('a context without extended session security is refused', () => {
  assert.throws(
    () => createSecurity(key, (flags & ~NtlmFlags.EXTENDED_SESSIONSECURITY) >>> 0, 'client'),
    (e: unknown) => e instanceof NtlmError && e.code === 'unsupported',
  );
});
