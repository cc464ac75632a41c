/**
 * How a host is reached and what its commands run in: operating system, transport, shell, port
 * and WinRM options. One place decides the defaults and which combinations make sense, so the
 * API, the CLI and the UI agree.
 */
import { invalid } from './errors.ts';

export const OSES = ['linux', 'windows'] as const;
export type Os = (typeof OSES)[number];
export const TRANSPORTS = ['ssh', 'winrm'] as const;
export type Transport = (typeof TRANSPORTS)[number];
export const SHELLS = ['sh', 'powershell', 'cmd'] as const;
/** `sh` for POSIX hosts; Windows hosts run PowerShell unless `cmd` is chosen. */
export type Shell = (typeof SHELLS)[number];
export const WINRM_AUTHS = ['negotiate', 'basic'] as const;
/** `negotiate`: NTLMv2 with message encryption (what a default Windows Server accepts). */
export type WinrmAuth = (typeof WINRM_AUTHS)[number];

/** WinRM connection options; carry no secret. */
export interface WinrmSettings {
  /** HTTPS on 5986 instead of HTTP with NTLM message encryption on 5985. */
  readonly https: boolean;
  readonly auth: WinrmAuth;
  /** The host accepts unencrypted messages; required for Basic over plain HTTP. */
  readonly allowUnencrypted: boolean;
  /** PEM certificates the host's HTTPS certificate may chain to, beside the system's. */
  readonly caCert: string | null;
  /** Accept any HTTPS certificate. Explicit opt-in only. */
  readonly skipVerify: boolean;
}

export interface ConnectionSettings {
  readonly os: Os;
  readonly transport: Transport;
  readonly shell: Shell;
  readonly port: number;
  /** Null for SSH hosts. */
  readonly winrm: WinrmSettings | null;
}

/** What a request may say; everything left out keeps its current value or gets its default. */
export interface ConnectionInput {
  readonly os?: Os | undefined;
  readonly transport?: Transport | undefined;
  readonly shell?: Shell | undefined;
  readonly port?: number | undefined;
  readonly winrm?: Partial<WinrmSettings> | undefined;
}

const DEFAULT_WINRM: WinrmSettings = {
  https: false,
  auth: 'negotiate',
  allowUnencrypted: false,
  caCert: null,
  skipVerify: false,
};

export function defaultPort(transport: Transport, winrm: WinrmSettings | null): number {
  if (transport === 'ssh') return 22;
  return winrm?.https ? 5986 : 5985;
}

/**
 * The settings a create (no `current`) or an update ends with. Throws a validation error naming
 * the field (`body.transport`, `body.winrm.auth` …) for a combination that cannot work.
 */
export function resolveConnection(input: ConnectionInput, current?: ConnectionSettings): ConnectionSettings {
  const os = input.os ?? current?.os ?? 'linux';
  const transport =
    input.transport ??
    (input.os && input.os !== current?.os ? undefined : current?.transport) ??
    defaultTransport(os);
  if (transport === 'winrm' && os !== 'windows') {
    throw invalid('body.transport', 'winrm reaches Windows hosts only; set os to windows or use ssh');
  }
  const keepShell = current && current.os === os ? current.shell : undefined;
  const shell = input.shell ?? keepShell ?? (os === 'windows' ? 'powershell' : 'sh');
  if ((os === 'linux') !== (shell === 'sh')) {
    throw invalid(
      'body.shell',
      os === 'linux' ? 'a linux host runs sh' : 'a windows host runs powershell or cmd',
    );
  }
  if (transport === 'ssh' && input.winrm) {
    throw invalid('body.winrm', 'WinRM options apply only to hosts with transport winrm');
  }
  const winrm = transport === 'winrm' ? { ...DEFAULT_WINRM, ...current?.winrm, ...input.winrm } : null;
  if (winrm && winrm.auth === 'basic' && !winrm.https && !winrm.allowUnencrypted) {
    throw invalid(
      'body.winrm.auth',
      'basic over plain HTTP sends the password readable on the network; use HTTPS or negotiate, or mark the host as accepting unencrypted messages (allowUnencrypted) if its WinRM service is configured so',
    );
  }
  if (winrm && !winrm.https && (winrm.caCert || winrm.skipVerify)) {
    throw invalid('body.winrm.https', 'caCert and skipVerify apply to HTTPS; set https to true');
  }
  if (winrm && winrm.caCert !== null && !/-----BEGIN CERTIFICATE-----/.test(winrm.caCert)) {
    throw invalid('body.winrm.caCert', 'must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)');
  }
  const port = input.port ?? keptPort(current, transport, winrm) ?? defaultPort(transport, winrm);
  return { os, transport, shell, port, winrm };
}

function defaultTransport(os: Os): Transport {
  return os === 'windows' ? 'winrm' : 'ssh';
}

/** An explicitly chosen port is kept; a default one follows the transport and scheme. */
function keptPort(
  current: ConnectionSettings | undefined,
  transport: Transport,
  winrm: WinrmSettings | null,
): number | undefined {
  if (!current) return undefined;
  const wasDefault = current.port === defaultPort(current.transport, current.winrm);
  if (wasDefault && (current.transport !== transport || current.winrm?.https !== winrm?.https))
    return undefined;
  return current.port;
}
