/** Sealing and opening credential secrets; checking SSH keys before they are stored. */
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { Secret } from '../connectors/connector.ts';
import { credentialSecretAad } from '../db/credentials.ts';
import { invalid } from '../domain/errors.ts';
import type { Sealed, Vault } from './vault.ts';

export type SecretInput =
  | { kind: 'password'; password: string }
  | { kind: 'ssh-key'; privateKey: string; passphrase?: string | undefined }
  /** Nothing secret: the worker's agent holds the keys; `forward` forwards it to the host. */
  | { kind: 'ssh-agent'; forward: boolean };

/**
 * Checks that a private key parses (with its passphrase) and returns the public key's
 * fingerprint; errors name the field to fix.
 */
export function sshKeyFingerprint(privateKey: string, passphrase?: string): string {
  const parsed = ssh2.utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    const message = parsed.message.toLowerCase();
    if (message.includes('passphrase') || message.includes('decrypt') || message.includes('bad')) {
      throw invalid(
        'passphrase',
        passphrase ? 'does not decrypt the private key' : 'is required: the private key is encrypted',
      );
    }
    throw invalid('privateKey', 'is not a private key orca can read (OpenSSH, PEM or PKCS#8)');
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) throw invalid('privateKey', 'must be a private key, not a public key');
  const digest = createHash('sha256').update(key.getPublicSSH()).digest('base64').replace(/=+$/, '');
  return `SHA256:${digest}`;
}

export function sealSecret(vault: Vault, credentialId: string, input: SecretInput): Sealed {
  const material =
    input.kind === 'password'
      ? { password: input.password }
      : input.kind === 'ssh-agent'
        ? { forward: input.forward }
        : { privateKey: input.privateKey, ...(input.passphrase ? { passphrase: input.passphrase } : {}) };
  return vault.seal(JSON.stringify(material), credentialSecretAad(credentialId));
}

export function openSecret(
  vault: Vault,
  credentialId: string,
  kind: 'password' | 'ssh-key' | 'ssh-agent',
  sealed: Sealed,
  /** The worker's agent socket, for ssh-agent credentials. */
  agentSocket: string | null = null,
): Secret {
  const material = JSON.parse(vault.open(sealed, credentialSecretAad(credentialId))) as Record<
    string,
    string
  >;
  if (kind === 'password') return { kind, password: material.password ?? '' };
  if (kind === 'ssh-agent') return { kind, socket: agentSocket, forward: Boolean(material.forward) };
  return { kind, privateKey: material.privateKey ?? '', passphrase: material.passphrase };
}

/** Every value of a secret that must never appear in output. */
export function secretValues(secret: Secret): string[] {
  if (secret.kind === 'password') return [secret.password];
  if (secret.kind === 'ssh-agent') return [];
  // A private key printed whole (a `cat` of the key file) is masked too.
  return [secret.privateKey.trim(), ...(secret.passphrase ? [secret.passphrase] : [])];
}
