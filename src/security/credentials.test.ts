import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSecret, sealSecret, sshKeyFingerprint } from './credentials.ts';
import { Vault } from './vault.ts';

function keygen(passphrase: string): { key: string; fingerprint: string } {
  const dir = mkdtempSync(join(tmpdir(), 'orca-key-'));
  const file = join(dir, 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', file]);
  const fingerprint =
    execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '';
  return { key: readFileSync(file, 'utf8'), fingerprint };
}

test('an ssh key is fingerprinted as ssh-keygen does, encrypted keys only with their passphrase', () => {
  const plain = keygen('');
  assert.equal(sshKeyFingerprint(plain.key), plain.fingerprint);
  const locked = keygen('s3cret-phrase');
  assert.equal(sshKeyFingerprint(locked.key, 's3cret-phrase'), locked.fingerprint);
  assert.throws(() => sshKeyFingerprint(locked.key, 'wrong'), /passphrase/);
  assert.throws(() => sshKeyFingerprint(locked.key), /passphrase/);
  assert.throws(() => sshKeyFingerprint('not a key'), /privateKey/);
});

test('a sealed credential opens only for its own row', () => {
  const vault = new Vault(Buffer.alloc(32, 9));
  const sealed = sealSecret(vault, 'c1', { kind: 'password', password: 'pw-123' });
  assert.deepEqual(openSecret(vault, 'c1', 'password', sealed), { kind: 'password', password: 'pw-123' });
  assert.throws(() => openSecret(vault, 'c2', 'password', sealed));
});
