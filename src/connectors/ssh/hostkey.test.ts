import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import {
  fingerprintOf,
  hostKeyAlgorithmPreference,
  hostKeyFromBlob,
  keyAlgorithmOf,
  sameHostKey,
} from './hostkey.ts';

const run = promisify(execFile);
let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orca-hostkey-test-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** A fresh public key: its blob (as a server sends it) and what `ssh-keygen -lf` says about it. */
async function keygen(type: string, bits?: number) {
  const path = join(dir, `${type}-${bits ?? 0}`);
  await run('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-f', path]);
  const [algorithm, base64] = (await readFile(`${path}.pub`, 'utf8')).split(' ');
  const { stdout } = await run('ssh-keygen', ['-l', '-f', `${path}.pub`]);
  return { blob: Buffer.from(base64!, 'base64'), algorithm, sshKeygenLine: stdout };
}

for (const [type, bits] of [['ed25519'], ['rsa', 2048], ['ecdsa', 384]] as const) {
  test(`the fingerprint and algorithm of a ${type} key equal what ssh-keygen -lf prints`, async () => {
    const key = await keygen(type, bits);
    const fingerprint = key.sshKeygenLine.split(' ')[1];
    assert.match(fingerprint ?? '', /^SHA256:[A-Za-z0-9+/]{43}$/);
    assert.equal(fingerprintOf(key.blob), fingerprint);
    assert.deepEqual(hostKeyFromBlob(key.blob), { algorithm: key.algorithm, fingerprint });
  });
}

test('a blob that does not start with a key type is refused', () => {
  assert.throws(() => keyAlgorithmOf(Buffer.from([0, 0])), /too short/);
  assert.throws(() => keyAlgorithmOf(Buffer.from([0, 0, 0, 200, 65])), /does not start/);
  assert.throws(() => keyAlgorithmOf(Buffer.from([0, 0, 0, 2, 1, 2])), /unprintable/);
});

test('host keys are the same only when both the algorithm and the fingerprint match', () => {
  const a = { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:abc' };
  assert.ok(sameHostKey(a, { ...a }));
  assert.ok(!sameHostKey(a, { ...a, fingerprint: 'SHA256:abd' }));
  assert.ok(!sameHostKey(a, { ...a, algorithm: 'ssh-rsa' }));
});

test('the recorded key type is offered first, so the host presents that key', () => {
  const none = hostKeyAlgorithmPreference(null);
  assert.equal(none[0], 'ssh-ed25519');
  const rsa = hostKeyAlgorithmPreference({ algorithm: 'ssh-rsa', fingerprint: 'SHA256:x' });
  assert.deepEqual(rsa.slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.deepEqual([...rsa].sort(), [...none].sort());
  const ecdsa = hostKeyAlgorithmPreference({ algorithm: 'ecdsa-sha2-nistp384', fingerprint: 'SHA256:x' });
  assert.equal(ecdsa[0], 'ecdsa-sha2-nistp384');
  assert.equal(new Set(ecdsa).size, ecdsa.length);
});
