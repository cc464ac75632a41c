/** What the engine needs to reach a host, and the host-key bookkeeping every contact shares. */
import {
  ConnectorError,
  type ConnectTarget,
  FailureKind,
  type Secret,
  type Session,
} from '../connectors/connector.ts';
import { getConnectInfo, recordHostKey, setPendingHostKey, settingsOf } from '../db/hosts.ts';
import type { Transport } from '../domain/host-settings.ts';
import { openSecret } from '../security/credentials.ts';
import type { EngineDeps } from './deps.ts';

export interface Contact {
  readonly target: ConnectTarget;
  readonly secret: Secret;
  readonly transport: Transport;
  /** Changes whenever anything that makes a session reusable changes. */
  readonly poolKey: string;
}

export async function loadContact(
  deps: EngineDeps,
  hostId: string | null,
  hostName: string,
): Promise<Contact> {
  const info = hostId ? await getConnectInfo(deps.db, hostId) : undefined;
  if (!info)
    throw new ConnectorError(FailureKind.protocol, `host ${hostName} was deleted before it could run`);
  if (!info.credential_id || !info.secret || !info.key_id || !info.credential_kind) {
    throw new ConnectorError(
      FailureKind.auth,
      `host ${hostName} has no credential; assign one in Hosts → ${hostName}`,
    );
  }
  const secret = openSecret(deps.vault, info.credential_id, info.credential_kind, {
    keyId: info.key_id,
    data: info.secret,
  });
  const knownHostKey =
    info.host_key_algorithm && info.host_key_fingerprint
      ? { algorithm: info.host_key_algorithm, fingerprint: info.host_key_fingerprint }
      : null;
  const settings = settingsOf(info);
  return {
    target: {
      hostId: info.id,
      name: info.name,
      address: info.address,
      port: info.port,
      username: info.username,
      knownHostKey,
      os: settings.os,
      shell: settings.shell,
      winrm: settings.winrm,
    },
    secret,
    transport: settings.transport,
    poolKey: [
      info.id,
      info.address,
      JSON.stringify(settings),
      info.username,
      info.credential_id,
      info.credential_updated_at?.getTime(),
      info.host_key_fingerprint,
    ].join('|'),
  };
}

/**
 * Opens a new session: records the host key on first contact, and on a changed key keeps the
 * presented one as pending so a person can accept it.
 */
export async function openSession(
  deps: EngineDeps,
  contact: Contact,
  signal?: AbortSignal,
): Promise<Session> {
  try {
    const session = await deps.connectors[contact.transport].open(contact.target, contact.secret, {
      connectTimeoutMs: deps.connectTimeoutMs,
      signal,
    });
    if (!contact.target.knownHostKey && session.hostKey) {
      await recordHostKey(deps.db, contact.target.hostId, session.hostKey);
    }
    return session;
  } catch (error) {
    if (error instanceof ConnectorError && error.kind === FailureKind.hostKey) {
      const { presentedAlgorithm, presentedFingerprint } = error.details;
      if (presentedAlgorithm && presentedFingerprint) {
        await setPendingHostKey(deps.db, contact.target.hostId, {
          algorithm: presentedAlgorithm,
          fingerprint: presentedFingerprint,
        });
      }
    }
    throw error;
  }
}
