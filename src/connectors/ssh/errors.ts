/**
 * Turns what ssh2 and the socket report into typed ConnectorErrors whose messages say what to
 * do. ssh2 errors carry a `level` (and socket errors a `code`); only key parsing needs message
 * text, since ssh2 gives its parse errors no code. Messages never quote secrets. Pure.
 */
import { ConnectorError, type ConnectTarget, FailureKind, type HostKey } from '../connector.ts';

/** How far an open got: each phase explains a timeout differently. */
export type OpenPhase = 'tcp' | 'handshake' | 'auth';

/** The fields ssh2 and node:net put on their errors. */
export interface TransportError {
  readonly message: string;
  readonly level?: string | undefined;
  readonly code?: string | number | undefined;
}

export function endpoint(target: Pick<ConnectTarget, 'address' | 'port'>): string {
  const host = target.address.includes(':') ? `[${target.address}]` : target.address;
  return `${host}:${target.port}`;
}

function at(target: ConnectTarget): string {
  return `${target.name} at ${endpoint(target)}`;
}

/** 30000 → `30s`, 1500 → `1.5s`, 250 → `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 100) / 10;
  return `${s}s`;
}

const UNREACHABLE_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused; is sshd running and is the port right?',
  EHOSTUNREACH: 'no route to host; check the address and the network',
  ENETUNREACH: 'network unreachable; check the address and the network',
  ENOTFOUND: 'the host name does not resolve; check the address',
  EAI_AGAIN: 'the host name could not be resolved right now (DNS failure); try again or check DNS',
  ECONNRESET: 'the connection was reset; a firewall or the server dropped it',
  EPIPE: 'the connection was closed by the peer',
  EADDRNOTAVAIL: 'the address is not available from this worker',
};

/** SSH_DISCONNECT reasons (RFC 4253 §11.1) that mean the credential or user was refused. */
const AUTH_DISCONNECT_REASONS = new Set([13, 14]);

export function openTimeout(target: ConnectTarget, ms: number, phase: OpenPhase): ConnectorError {
  const why = {
    tcp: 'no TCP connection; is the host up and the port open?',
    handshake: 'the TCP connection opened but no SSH handshake followed; is an SSH server listening there?',
    auth: 'the SSH server did not finish authentication',
  }[phase];
  return new ConnectorError(
    FailureKind.timeout,
    `connecting to ${at(target)} timed out after ${formatDuration(ms)}: ${why}`,
  );
}

export function openCanceled(target: ConnectTarget): ConnectorError {
  return new ConnectorError(FailureKind.canceled, `connecting to ${at(target)} was canceled`);
}

export function closedDuringOpen(target: ConnectTarget, phase: OpenPhase): ConnectorError {
  const during = phase === 'auth' ? 'authentication' : 'the SSH handshake';
  return new ConnectorError(
    FailureKind.protocol,
    `${at(target)} closed the connection during ${during}; is an SSH server listening there?`,
  );
}

/** Maps an error raised while connecting and authenticating. */
export function openError(
  error: TransportError,
  target: ConnectTarget,
  authMethods: readonly string[],
): ConnectorError {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code === 'ETIMEDOUT') {
    return new ConnectorError(FailureKind.timeout, `connecting to ${at(target)} timed out (ETIMEDOUT)`);
  }
  if (
    error.level === 'client-socket' ||
    error.level === 'client-dns' ||
    (code && code in UNREACHABLE_CODES)
  ) {
    const why = (code && UNREACHABLE_CODES[code]) ?? error.message;
    return new ConnectorError(
      FailureKind.unreachable,
      `could not reach ${at(target)}: ${why}${suffix(code)}`,
    );
  }
  if (error.level === 'client-timeout') {
    return new ConnectorError(FailureKind.timeout, `connecting to ${at(target)} timed out: ${error.message}`);
  }
  if (
    error.level === 'client-authentication' ||
    (typeof error.code === 'number' && AUTH_DISCONNECT_REASONS.has(error.code))
  ) {
    return authRejected(target, authMethods);
  }
  return new ConnectorError(
    FailureKind.protocol,
    `${at(target)} did not complete the SSH handshake (${error.message}); is an SSH server listening there?`,
  );
}

function suffix(code: string | undefined): string {
  return code ? ` (${code})` : '';
}

export function authRejected(target: ConnectTarget, authMethods: readonly string[]): ConnectorError {
  return new ConnectorError(
    FailureKind.auth,
    `${at(target)} rejected the credential for user ${target.username} (tried ${authMethods.join(', ')}); ` +
      'check the user name and the credential',
  );
}

/** Why a private key could not be used, from ssh2's parse error of the key with and without passphrase. */
export function privateKeyError(
  withPassphrase: TransportError,
  withoutPassphrase: TransportError | null,
  hadPassphrase: boolean,
): ConnectorError {
  // ssh2 reports "... Encrypted ... but no passphrase given" for every encrypted format.
  const encrypted = /no passphrase given/i.test(withoutPassphrase?.message ?? withPassphrase.message);
  const prefix = 'the private key for credential';
  let message: string;
  if (encrypted && hadPassphrase) message = `${prefix} could not be decrypted: wrong passphrase`;
  else if (encrypted) message = `${prefix} is encrypted, but the credential has no passphrase; add it`;
  else {
    message =
      `${prefix} could not be read: it is not an OpenSSH, PEM or PuTTY private key, ` +
      'or it is damaged or of an unsupported type';
  }
  return new ConnectorError(FailureKind.auth, message);
}

export function hostKeyChanged(target: ConnectTarget, expected: HostKey, presented: HostKey): ConnectorError {
  return new ConnectorError(
    FailureKind.hostKey,
    `host key for ${target.name} changed: expected ${expected.fingerprint} (${expected.algorithm}), ` +
      `got ${presented.fingerprint} (${presented.algorithm}). If the change is expected, accept the new key ` +
      `in Hosts → ${target.name} (or POST /api/v1/hosts/${target.hostId}/accept-host-key)`,
    {
      hostId: target.hostId,
      presentedAlgorithm: presented.algorithm,
      presentedFingerprint: presented.fingerprint,
    },
  );
}

/** The connection ended while a command ran: reset or silent peer → unreachable, else protocol. */
export function connectionLost(target: ConnectTarget, cause: TransportError | null): ConnectorError {
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const unreachable =
    cause?.level === 'client-timeout' ||
    (code !== undefined && (code in UNREACHABLE_CODES || code === 'ETIMEDOUT'));
  const why = cause ? `: ${(code && UNREACHABLE_CODES[code]) ?? cause.message}${suffix(code)}` : '';
  return new ConnectorError(
    unreachable ? FailureKind.unreachable : FailureKind.protocol,
    `the connection to ${at(target)} was lost while the command was running${why}; ` +
      'the command may still be running on the host',
  );
}

/** Why a command is being stopped before it ended by itself. */
export type StopReason =
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'canceled' }
  | { readonly kind: 'closed' }
  /** onOutput threw or rejected: its error is passed on as is. */
  | { readonly kind: 'consumer'; readonly error: unknown };

/** The error a stopped command fails with, saying whether the kill on the host was confirmed. */
export function stopError(reason: StopReason, target: ConnectTarget, killed: boolean): unknown {
  const outcome = killed ? 'it was killed' : 'orca tried to kill it but could not confirm that it died';
  switch (reason.kind) {
    case 'timeout':
      return new ConnectorError(
        FailureKind.timeout,
        `command exceeded its ${formatDuration(reason.ms)} timeout on ${target.name}; ${outcome}`,
      );
    case 'canceled':
      return new ConnectorError(
        FailureKind.canceled,
        `the command on ${target.name} was canceled; ${outcome}`,
      );
    case 'closed':
      return new ConnectorError(
        FailureKind.protocol,
        `the session to ${target.name} was closed while the command was running; ${outcome}`,
      );
    case 'consumer':
      return reason.error;
  }
}
