/**
 * Secrets at rest: AES-256-GCM under a master key. Each sealed value carries the id of the key
 * that sealed it, so keys can be rotated without downtime.
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

export class Vault {
  private readonly key: Buffer;
  readonly keyId: string;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.key = masterKey;
    // A short, stable id derived from the key; reveals nothing useful about it.
    this.keyId = createHash('sha256').update('orca-key-id').update(masterKey).digest('hex').slice(0, 16);
  }

  /** `associated` binds the ciphertext to its row (e.g. the credential id), so rows cannot be swapped. */
  seal(plaintext: string, associated: string): Sealed {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associated));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      keyId: this.keyId,
      data: Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]),
    };
  }

  open(sealed: Sealed, associated: string): string {
    if (sealed.keyId !== this.keyId) {
      throw new Error(
        `secret was sealed with key ${sealed.keyId}, but the master key in use is ${this.keyId}`,
      );
    }
    const data = sealed.data;
    if (data[0] !== VERSION || data.length < 1 + IV_BYTES + TAG_BYTES)
      throw new Error('unknown secret format');
    const iv = data.subarray(1, 1 + IV_BYTES);
    const tag = data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(associated));
    decipher.setAuthTag(tag);
    return Buffer.concat([
      decipher.update(data.subarray(1 + IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  }
}

/** Accepts 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  const decoded = Buffer.from(trimmed, 'base64');
  if (decoded.length === 32) return decoded;
  throw new Error('ORCA_SECRET_KEY must be 32 bytes as 64 hex characters or base64');
}

/** The configured key, else the one generated once into `file` (mode 0600). */
export async function loadMasterKey(configured: string | null, file: string): Promise<Buffer> {
  if (configured) return parseMasterKey(configured);
  if (existsSync(file)) return parseMasterKey(await readFile(file, 'utf8'));
  await mkdir(dirname(file), { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' }).catch(async (e: unknown) => {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  });
  await chmod(file, 0o600);
  return parseMasterKey(await readFile(file, 'utf8'));
}
