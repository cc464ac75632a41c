import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  keyIdOf,
  loadKeyring,
  loadMasterKey,
  MissingKeyError,
  parseKeyList,
  parseMasterKey,
  Vault,
} from './vault.ts';

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
  assert.throws(() => new Vault(key).open(sealed, 'a'), new RegExp(`sealed with key ${sealed.keyId}`));
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

test('a keyring opens secrets sealed with any of its keys and seals with the current one', () => {
  const oldKey = Buffer.alloc(32, 1);
  const newKey = Buffer.alloc(32, 2);
  const sealedOld = new Vault(oldKey).seal('before', 'row-1');
  const ring = new Vault(newKey, [oldKey]);
  assert.equal(ring.keyId, keyIdOf(newKey));
  assert.deepEqual(ring.keyIds, [keyIdOf(newKey), keyIdOf(oldKey)]);
  assert.equal(ring.open(sealedOld, 'row-1'), 'before');
  const fresh = ring.seal('after', 'row-2');
  assert.equal(fresh.keyId, keyIdOf(newKey));
  assert.equal(new Vault(newKey).open(fresh, 'row-2'), 'after');
  assert.throws(() => new Vault(oldKey).open(fresh, 'row-2'), MissingKeyError);
});

test('reseal moves a secret to the current key and keeps one already there', () => {
  const oldKey = Buffer.alloc(32, 1);
  const newKey = Buffer.alloc(32, 2);
  const sealedOld = new Vault(oldKey).seal('s3cret', 'row-1');
  const ring = new Vault(newKey, [oldKey]);
  const moved = ring.reseal(sealedOld, 'row-1');
  assert.equal(moved.keyId, ring.keyId);
  assert.notDeepEqual(moved.data, sealedOld.data);
  assert.equal(new Vault(newKey).open(moved, 'row-1'), 's3cret');
  assert.equal(ring.reseal(moved, 'row-1'), moved);
  // The association still binds: a value cannot be re-sealed onto another row.
  assert.throws(() => ring.reseal(sealedOld, 'row-2'));
});

test('a vault without the key a secret needs names that key id', () => {
  const sealed = new Vault(Buffer.alloc(32, 1)).seal('x', 'a');
  const vault = new Vault(key, [Buffer.alloc(32, 5)]);
  assert.throws(
    () => vault.open(sealed, 'a'),
    (e: unknown) =>
      e instanceof MissingKeyError &&
      e.keyId === sealed.keyId &&
      e.message.includes(sealed.keyId) &&
      e.message.includes('ORCA_SECRET_KEYS_OLD'),
  );
});

test('old keys come comma-separated; a bad one is named by its position', () => {
  const a = Buffer.alloc(32, 1);
  const b = Buffer.alloc(32, 2);
  assert.deepEqual(parseKeyList(`${a.toString('hex')}, ${b.toString('base64')}`), [a, b]);
  assert.deepEqual(parseKeyList(null), []);
  assert.throws(() => parseKeyList(`${a.toString('hex')},nope`), /ORCA_SECRET_KEYS_OLD\[1\]/);
});

test('a key file holds the current key first and old keys after it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-vault-'));
  const file = join(dir, 'master.key');
  const current = Buffer.alloc(32, 3);
  const old = Buffer.alloc(32, 4);
  const extra = Buffer.alloc(32, 6);
  await writeFile(file, `# rotated in December\n${current.toString('hex')}\n\n${old.toString('hex')}\n`);
  const ring = await loadKeyring(null, extra.toString('hex'), file);
  assert.deepEqual(ring, { current, old: [old, extra] });
  // ORCA_SECRET_KEY wins over the file, as before; the file is then not read.
  assert.deepEqual(await loadKeyring(extra.toString('hex'), null, file), { current: extra, old: [] });
  assert.equal(await loadMasterKey(null, file).then((k) => k.equals(current)), true);
  await writeFile(file, '# nothing\n');
  await assert.rejects(loadKeyring(null, null, file), /holds no key/);
});
