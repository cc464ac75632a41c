/**
 * Secrets at rest: AES-256-GCM under a keyring. Each sealed value carries the id of the key that
 * sealed it; the vault opens values sealed with any configured key (the current one and old
 * ones) and always seals with the current one, so keys rotate without downtime.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  readonly keyId: string;
  readonly data: Buffer;
}

/** A short, stable id derived from a key; reveals nothing useful about it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('orca-key-id').update(key).digest('hex').slice(0, 16);
}

/** A sealed value needs a key this vault does not hold. */
export class MissingKeyError extends Error {
  override readonly name = 'MissingKeyError';
  constructor(
    readonly keyId: string,
    known: readonly string[],
  ) {
    super(
      `secret was sealed with key ${keyId}, which is not configured (known keys: ${known.join(', ')}); ` +
        'add it to ORCA_SECRET_KEYS_OLD until `orca keys rotate` has re-sealed every secret',
    );
  }
}

export class Vault {
  private readonly keys: ReadonlyMap<string, Buffer>;
  /** The id of the current key, the one every new secret is sealed with. */
  readonly keyId: string;

  constructor(currentKey: Buffer, oldKeys: readonly Buffer[] = []) {
    const keys = new Map<string, Buffer>();
    for (const key of [currentKey, ...oldKeys]) {
      if (key.length !== 32) throw new Error('a master key must be 32 bytes');
      const id = keyIdOf(key);
      if (!keys.has(id)) keys.set(id, key);
    }
    this.keys = keys;
    this.keyId = keyIdOf(currentKey);
  }

  /** Ids of every key this vault opens with, the current one first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /** `associated` binds the ciphertext to its row (e.g. the credential id), so rows cannot be swapped. */
  seal(plaintext: string, associated: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.keyId)!, iv);
    cipher.setAAD(Buffer.from(associated));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.keyId,
      data: Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]),
    };
  }

  open(sealed: Sealed, associated: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new MissingKeyError(sealed.keyId, this.keyIds);
    const data = sealed.data;
    if (data[0] !== VERSION || data.length < 1 + IV_BYTES + TAG_BYTES)
      throw new Error('unknown secret format');
    const iv = data.subarray(1, 1 + IV_BYTES);
    const tag = data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(associated));
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(data.subarray(1 + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }

  /** The same secret sealed again under the current key (`sealed` as is when it already is). */
  reseal(sealed: Sealed, associated: string): Sealed {
    return sealed.keyId === this.keyId ? sealed : this.seal(this.open(sealed, associated), associated);
  }
}

/** Accepts 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(text: string, name = 'ORCA_SECRET_KEY'): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const decoded = Buffer.from(trimmed, 'base64');
  if (decoded.length === 32) return decoded;
  throw new Error(`${name} must be 32 bytes as 64 hex characters or base64`);
}

/** Comma-separated keys, each as ORCA_SECRET_KEY; errors name the position (`ORCA_SECRET_KEYS_OLD[1]`). */
export function parseKeyList(text: string | null, name = 'ORCA_SECRET_KEYS_OLD'): Buffer[] {
  if (!text) return [];
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, i) => parseMasterKey(part, `${name}[${i}]`));
}

/**
 * A key file: one key per line, the first is current and any further ones are old keys;
 * blank lines and lines starting with `#` are ignored.
 */
export function parseKeyFile(text: string, file: string): { current: Buffer; old: Buffer[] } {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new Error(`${file} holds no key`);
  const keys = lines.map((l, i) => parseMasterKey(l, `${file} line ${i + 1} of its keys`));
  return { current: keys[0]!, old: keys.slice(1) };
}

/** The keyring: the configured key, else the key file's (generated once, mode 0600), plus old keys. */
export async function loadKeyring(
  configured: string | null,
  configuredOld: string | null,
  file: string,
): Promise<{ current: Buffer; old: Buffer[] }> {
  const old = parseKeyList(configuredOld);
  if (configured) return { current: parseMasterKey(configured), old };
  if (!existsSync(file)) {
    await mkdir(dirname(file), { recursive: true });
    const key = randomBytes(32);
    await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' }).catch(
      async (e: unknown) => {
        // Another process created it first: use theirs.
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      },
    );
    await chmod(file, 0o600);
  }
  const fromFile = parseKeyFile(await readFile(file, 'utf8'), file);
  return { current: fromFile.current, old: [...fromFile.old, ...old] };
}

/** The current key only (see `loadKeyring`). */
export async function loadMasterKey(configured: string | null, file: string): Promise<Buffer> {
  return (await loadKeyring(configured, null, file)).current;
}
