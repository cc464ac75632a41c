/** Opens an authenticated ssh2 connection over a TCP socket we create ourselves. */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConnectConfig, Client as Ssh2Client } from 'ssh2';
import ssh2 from 'ssh2';
import {
  ConnectorError,
  type ConnectTarget,
  FailureKind,
  type HostKey,
  type OpenOptions,
  type Secret,
} from '../connector.ts';
import {
  closedDuringOpen,
  hostKeyChanged,
  type OpenPhase,
  openCanceled,
  openError,
  openTimeout,
  privateKeyError,
  type TransportError,
} from './errors.ts';
import { hostKeyAlgorithmPreference, hostKeyFromBlob, sameHostKey } from './hostkey.ts';

export interface ConnectSettings {
  /** SSH-level keepalive: a silent peer is declared dead after interval × countMax. */
  readonly keepaliveIntervalMs: number;
  readonly keepaliveCountMax: number;
}

export interface Connection {
  readonly client: Ssh2Client;
  /** What the SSH connection runs over: the TCP socket, or a channel forwarded by a bastion. */
  readonly socket: Duplex;
  /** The worker's own TCP socket (to the host, or to the first bastion); TCP_NODELAY is set on it. */
  readonly tcp: net.Socket;
  readonly hostKey: HostKey;
  /** The bastions passed through, nearest to the worker first; empty when direct. */
  readonly hops: readonly { readonly hostId: string; readonly hostKey: HostKey }[];
}

/** Connects to `target` over a new TCP socket, or over `over` (a channel a bastion forwarded). */
export function connect(
  target: ConnectTarget,
  secret: Secret,
  options: OpenOptions,
  settings: ConnectSettings,
  over?: { readonly stream: Duplex; readonly tcp: net.Socket },
): Promise<Connection> {
  if (options.signal?.aborted) return Promise.reject(openCanceled(target));
  return new Promise<Connection>((resolve, reject) => {
    // Our own socket, so that TCP_NODELAY is set on it before the first byte (interactive
    // request/response traffic otherwise waits on Nagle + delayed ACK, ~40 ms per round trip).
    const tcp = over?.tcp ?? net.connect({ host: target.address, port: target.port, noDelay: true });
    const socket: Duplex = over?.stream ?? tcp;
    const client = new ssh2.Client();
    let phase: OpenPhase = over ? 'handshake' : 'tcp';
    let presented: HostKey | null = null;
    let rejectedKey: HostKey | null = null;
    let settled = false;
    if (secret.kind === 'ssh-agent' && !secret.socket) {
      reject(
        new ConnectorError(
          FailureKind.auth,
          `${target.name}: the credential uses the worker's SSH agent, but this worker has none (set SSH_AUTH_SOCK or ORCA_SSH_AGENT_SOCK for it)`,
        ),
      );
      return;
    }
    const authMethods =
      secret.kind === 'password'
        ? ['password', 'keyboard-interactive']
        : secret.kind === 'ssh-agent'
          ? ['agent']
          : ['publickey'];

    const onAbort = () => fail(openCanceled(target));
    // One deadline for TCP connect, handshake and authentication together.
    const timer = setTimeout(
      () => fail(openTimeout(target, options.connectTimeoutMs, phase)),
      options.connectTimeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // Errors that arrive after we settled (e.g. from the destroyed socket) must not crash the process.
    const ignore = () => {};
    socket.on('error', ignore);
    client.on('error', (error: TransportError) => fail(classify(error)));
    if (!over)
      tcp.once('connect', () => {
        phase = 'handshake';
      });
    client.once('handshake', () => {
      phase = 'auth';
    });
    client.once('close', () => fail(closedDuringOpen(target, phase)));
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve({ client, socket, tcp, hostKey: presented as HostKey, hops: [] });
    });
    if (secret.kind === 'password') {
      // Many servers offer only keyboard-interactive (PAM); its prompts ask for the password.
      client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
        finish(prompts.map(() => secret.password));
      });
    }

    function classify(error: TransportError) {
      if (rejectedKey && target.knownHostKey) return hostKeyChanged(target, target.knownHostKey, rejectedKey);
      return openError(error, target, authMethods);
    }
    function cleanup() {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    function fail(error: Error) {
      if (settled) return;
      settled = true;
      cleanup();
      client.on('error', ignore);
      client.destroy();
      socket.destroy();
      reject(error);
    }

    const config: ConnectConfig = {
      sock: socket,
      username: target.username,
      // Our timer covers the whole open; ssh2's would only cover the handshake.
      readyTimeout: 0,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
      algorithms: { serverHostKey: hostKeyAlgorithmPreference(target.knownHostKey) },
      hostVerifier: (blob: Buffer): boolean => {
        let key: HostKey;
        try {
          key = hostKeyFromBlob(blob);
        } catch {
          return false;
        }
        presented = key;
        if (!target.knownHostKey || sameHostKey(key, target.knownHostKey)) return true;
        rejectedKey = key;
        return false;
      },
      ...(secret.kind === 'password'
        ? { password: secret.password, tryKeyboard: true }
        : secret.kind === 'ssh-agent'
          ? { agent: secret.socket ?? undefined, agentForward: secret.forward }
          : { privateKey: secret.privateKey, passphrase: secret.passphrase }),
    };
    try {
      client.connect(config);
    } catch (error) {
      // ssh2 parses the private key in connect() and throws if it cannot.
      fail(secret.kind === 'ssh-key' ? keyError(secret) : (error as Error));
    }
  });
}

/** Explains why ssh2 could not parse the key, without ever quoting the key or passphrase. */
function keyError(secret: Extract<Secret, { kind: 'ssh-key' }>) {
  const withPassphrase = ssh2.utils.parseKey(secret.privateKey, secret.passphrase);
  const withoutPassphrase = secret.passphrase ? ssh2.utils.parseKey(secret.privateKey) : null;
  const asError = (r: unknown): TransportError =>
    r instanceof Error ? r : { message: 'the key was parsed but ssh2 rejected it' };
  return privateKeyError(
    asError(withPassphrase),
    withoutPassphrase instanceof Error ? withoutPassphrase : null,
    Boolean(secret.passphrase),
  );
}
