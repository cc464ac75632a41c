/** What the engine needs to reach a host, and the host-key bookkeeping every contact shares. */
import {
  atBastion,
  ConnectorError,
  type ConnectTarget,
  FailureKind,
  type JumpHop,
  type Secret,
  type Session,
} from '../connectors/connector.ts';
import { getConnectInfo, recordHostKey, setPendingHostKey, settingsOf } from '../db/hosts.ts';
import type { Transport } from '../domain/host-settings.ts';
import { openSecret, secretValues } from '../security/credentials.ts';
import type { EngineDeps } from './deps.ts';
import { gatherFacts } from './facts.ts';

export interface Contact {
  readonly target: ConnectTarget;
  readonly secret: Secret;
  readonly transport: Transport;
  /** Bastions to go through, nearest to the worker first; empty when the host is reached directly. */
  readonly via: readonly JumpHop[];
  /** No facts were gathered yet: the first session gathers them. */
  readonly needsFacts: boolean;
  /** Changes whenever anything that makes a session reusable changes, on any hop of the chain. */
  readonly poolKey: string;
  /** What sudo gets for become steps: the host's become credential, else its login password, else none. */
  readonly becomePassword: string | null;
}

/** Longer chains are refused at save time; this bounds a chain changed under a running worker. */
const MAX_HOPS = 8;

type ConnectInfo = NonNullable<Awaited<ReturnType<typeof getConnectInfo>>>;

function contactOf(deps: EngineDeps, info: ConnectInfo, hostName: string) {
  if (!info.credential_id || !info.secret || !info.key_id || !info.credential_kind) {
    throw new ConnectorError(
      FailureKind.auth,
      `host ${hostName} has no credential; assign one in Hosts → ${hostName}`,
    );
  }
  const secret = openSecret(
    deps.vault,
    info.credential_id,
    info.credential_kind,
    {
      keyId: info.key_id,
      data: info.secret,
    },
    deps.agentSocket,
  );
  const knownHostKey =
    info.host_key_algorithm && info.host_key_fingerprint
      ? { algorithm: info.host_key_algorithm, fingerprint: info.host_key_fingerprint }
      : null;
  const settings = settingsOf(info);
  const target: ConnectTarget = {
    hostId: info.id,
    name: info.name,
    address: info.address,
    port: info.port,
    username: info.username,
    knownHostKey,
    os: settings.os,
    shell: settings.shell,
    winrm: settings.winrm,
  };
  const poolKey = [
    info.id,
    info.address,
    JSON.stringify(settings),
    info.username,
    info.credential_id,
    info.credential_updated_at?.getTime(),
    info.host_key_fingerprint,
  ].join('|');
  return { target, secret, transport: settings.transport, poolKey };
}

/** The bastions in front of a host, nearest to the worker first. */
async function loadChain(deps: EngineDeps, host: ConnectInfo): Promise<ReturnType<typeof contactOf>[]> {
  const chain: ReturnType<typeof contactOf>[] = [];
  const seen = new Set([host.id]);
  for (let jumpId = host.jump_host_id; jumpId; ) {
    const info = await getConnectInfo(deps.db, jumpId);
    if (!info) throw new ConnectorError(FailureKind.protocol, `the bastion of ${host.name} was deleted`);
    if (seen.has(info.id) || chain.length >= MAX_HOPS) {
      throw new ConnectorError(
        FailureKind.protocol,
        `the bastions of ${host.name} form a loop or a chain longer than ${MAX_HOPS}; fix jumpHost`,
      );
    }
    seen.add(info.id);
    if (info.transport !== 'ssh') {
      throw new ConnectorError(
        FailureKind.protocol,
        `bastion ${info.name} is reached over ${info.transport}; a bastion must be an SSH host`,
      );
    }
    try {
      chain.unshift(contactOf(deps, info, info.name));
    } catch (error) {
      throw atBastion({ name: info.name, hostId: info.id }, error);
    }
    jumpId = info.jump_host_id;
  }
  return chain;
}

export async function loadContact(
  deps: EngineDeps,
  hostId: string | null,
  hostName: string,
): Promise<Contact> {
  const info = hostId ? await getConnectInfo(deps.db, hostId) : undefined;
  if (!info)
    throw new ConnectorError(FailureKind.protocol, `host ${hostName} was deleted before it could run`);
  const own = contactOf(deps, info, hostName);
  const chain = await loadChain(deps, info);
  return {
    target: own.target,
    secret: own.secret,
    transport: own.transport,
    via: chain.map((c) => ({ target: c.target, secret: c.secret })),
    needsFacts: info.facts_gathered_at === null,
    becomePassword: becomePassword(deps, info, own.secret),
    poolKey: [own.poolKey, ...chain.map((c) => c.poolKey)].join(' via '),
  };
}

function becomePassword(deps: EngineDeps, info: ConnectInfo, login: Secret): string | null {
  if (
    info.become_credential_id &&
    info.become_secret &&
    info.become_key_id &&
    info.become_kind === 'password'
  ) {
    const s = openSecret(deps.vault, info.become_credential_id, 'password', {
      keyId: info.become_key_id,
      data: info.become_secret,
    });
    return s.kind === 'password' ? s.password : null;
  }
  return login.kind === 'password' ? login.password : null;
}

/** Every secret value a contact uses, the bastions' included: all are masked in output and errors. */
export function contactSecrets(contact: Contact): string[] {
  return [
    ...[contact.secret, ...contact.via.map((h) => h.secret)].flatMap(secretValues),
    ...(contact.becomePassword ? [contact.becomePassword] : []),
  ];
}

/**
 * Opens a new session: records the host key on first contact, and on a changed key keeps the
 * presented one as pending so a person can accept it.
 */
export async function openSession(
  deps: EngineDeps,
  contact: Contact,
  signal?: AbortSignal,
  /** Gather the host's facts when it has none yet (default); the health check gathers them itself. */
  options: { facts?: boolean } = {},
): Promise<Session> {
  try {
    const session = await deps.connectors[contact.transport].open(contact.target, contact.secret, {
      connectTimeoutMs: deps.connectTimeoutMs,
      signal,
      via: contact.via,
    });
    if (!contact.target.knownHostKey && session.hostKey) {
      await recordHostKey(deps.db, contact.target.hostId, session.hostKey);
    }
    if (contact.needsFacts && options.facts !== false)
      await gatherFacts(deps, session, contact.target, signal);
    // Each bastion is trusted on first use exactly as a host reached directly.
    for (const [i, hop] of contact.via.entries()) {
      const seen = session.hopHostKeys?.[i];
      if (!hop.target.knownHostKey && seen) await recordHostKey(deps.db, seen.hostId, seen.hostKey);
    }
    return session;
  } catch (error) {
    if (error instanceof ConnectorError && error.kind === FailureKind.hostKey) {
      const { presentedAlgorithm, presentedFingerprint } = error.details;
      if (presentedAlgorithm && presentedFingerprint) {
        // The key that changed may be a bastion's: the error says whose.
        await setPendingHostKey(deps.db, error.details.hostId ?? contact.target.hostId, {
          algorithm: presentedAlgorithm,
          fingerprint: presentedFingerprint,
        });
      }
    }
    throw error;
  }
}
