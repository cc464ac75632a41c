import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMasterKey, parseMasterKey, Vault } from './vault.ts';

const key = Buffer.alloc(32, 7);

test('a sealed secret opens with the same key and association', () => {
  const vault = new Vault(key);
  const sealed = vault.seal('hunter2', 'cred-1');
  assert.ok(!sealed.data.includes(Buffer.from('hunter2')));
  assert.equal(vault.open(sealed, 'cred-1'), 'hunter2');
});

test('a secret moved to another row or tampered with does not open', () => {
  const vault = new Vault(key);
  const sealed = vault.seal('hunter2', 'cred-1');
  assert.throws(() => vault.open(sealed, 'cred-2'));
  const bad = Buffer.from(sealed.data);
  bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
  assert.throws(() => vault.open({ keyId: sealed.keyId, data: bad }, 'cred-1'));
});

test('a secret sealed under another master key names the key it needs', () => {
  const sealed = new Vault(Buffer.alloc(32, 1)).seal('x', 'a');
  assert.throws(() => new Vault(key).open(sealed, 'a'), /sealed with key/);
});

test('the master key is generated once into a 0600 file and reused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-vault-'));
  const file = join(dir, 'master.key');
  const first = await loadMasterKey(null, file);
  const second = await loadMasterKey(null, file);
  assert.deepEqual(first, second);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal(parseMasterKey(await readFile(file, 'utf8')).length, 32);
});

test('a configured key in hex or base64 is accepted; anything else is refused', () => {
  assert.equal(parseMasterKey('ab'.repeat(32)).length, 32);
  assert.equal(parseMasterKey(Buffer.alloc(32, 3).toString('base64')).length, 32);
  assert.throws(() => parseMasterKey('short'), /ORCA_SECRET_KEY/);
});
