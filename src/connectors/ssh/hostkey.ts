/** Host key fingerprints and comparison, exactly as OpenSSH computes and shows them. Pure. */
import { createHash } from 'node:crypto';
import type { HostKey } from '../connector.ts';

/**
 * The key type named inside an SSH public key blob (RFC 4253 §6.6: the blob starts with the
 * type as an SSH `string`), e.g. `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`.
 */
export function keyAlgorithmOf(blob: Buffer): string {
  if (blob.length < 4) throw new Error('the host key blob is too short');
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > blob.length) {
    throw new Error('the host key blob does not start with a key type');
  }
  const name = blob.toString('latin1', 4, 4 + length);
  if (!/^[\x21-\x7e]+$/.test(name)) throw new Error('the host key blob names an unprintable key type');
  return name;
}

/** `SHA256:` + unpadded base64 of the SHA-256 of the blob, as `ssh-keygen -lf` prints it. */
export function fingerprintOf(blob: Buffer): string {
  const digest = createHash('sha256').update(blob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

export function hostKeyFromBlob(blob: Buffer): HostKey {
  return { algorithm: keyAlgorithmOf(blob), fingerprint: fingerprintOf(blob) };
}

export function sameHostKey(a: HostKey, b: HostKey): boolean {
  return a.algorithm === b.algorithm && a.fingerprint === b.fingerprint;
}

/** ssh2's supported host key signature algorithms, in its default order of preference. */
const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;
export type HostKeyAlgorithm = (typeof DEFAULT_HOST_KEY_ALGORITHMS)[number];

/** Signature algorithms that a server can use to present a key of this type. */
function signatureAlgorithmsFor(keyType: string): HostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => a === keyType);
}

/**
 * Host key algorithms to offer, preferring the type of the recorded key: a server with several
 * host keys presents the one the client prefers, and without this a host whose recorded key is
 * RSA would present its Ed25519 key and look "changed" (OpenSSH's client does the same).
 */
export function hostKeyAlgorithmPreference(known: HostKey | null): HostKeyAlgorithm[] {
  const first = known ? signatureAlgorithmsFor(known.algorithm) : [];
  return [...first, ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !first.includes(a))];
}
