/**
 * The host form's values and what they send: defaults that follow the OS and transport (as
 * src/domain/host-settings.ts decides them), a port sent only when typed, and an edit that sends
 * only what changed.
 */
import type { CreateHost, Host, Os, Shell, Transport, UpdateHost, WinrmSettings } from '../api/types.ts';

export type WinrmAuth = WinrmSettings['auth'];

export interface WinrmValues {
  https: boolean;
  auth: WinrmAuth;
  allowUnencrypted: boolean;
  /** PEM text; empty for none. */
  caCert: string;
  skipVerify: boolean;
}

export interface HostValues {
  name: string;
  address: string;
  /** Empty: the default port of the transport. */
  port: number | string;
  os: Os;
  transport: Transport;
  shell: Shell;
  winrm: WinrmValues;
  username: string;
  credentialId: string;
  /** The bastion's name; empty: connect directly. */
  jumpHost: string;
  /** The password credential sudo gets (become steps); empty: the login password, if any. */
  becomeCredentialId: string;
  tags: string[];
  /** One `key=value` a line. */
  labels: string;
  /** The worker pool `key=value`; empty: any worker. */
  pool: string;
  /** Groups the host is directly in. */
  groups: string[];
}

const DEFAULT_WINRM: WinrmValues = {
  https: false,
  auth: 'negotiate',
  allowUnencrypted: false,
  caCert: '',
  skipVerify: false,
};

export const EMPTY_HOST: HostValues = {
  name: '',
  address: '',
  port: '',
  os: 'linux',
  transport: 'ssh',
  shell: 'sh',
  winrm: DEFAULT_WINRM,
  username: '',
  credentialId: '',
  jumpHost: '',
  becomeCredentialId: '',
  tags: [],
  labels: '',
  pool: '',
  groups: [],
};

/** `key=value` lines as labels; blank lines are skipped, a line without `=` is an error. */
export function parseLabels(text: string): { labels: Record<string, string>; error: string | null } {
  const labels: Record<string, string> = {};
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { labels, error: `line ${i + 1}: write key=value` };
    labels[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { labels, error: null };
}

export const formatLabels = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

export function defaultPort(transport: Transport, https: boolean): number {
  if (transport === 'ssh') return 22;
  return https ? 5986 : 5985;
}

/** The form's values for a host; a port that is the default shows as empty. */
export function valuesOf(host: Host | null): HostValues {
  if (!host) return EMPTY_HOST;
  const winrm = host.winrm ? { ...host.winrm, caCert: host.winrm.caCert ?? '' } : DEFAULT_WINRM;
  return {
    name: host.name,
    address: host.address,
    port: host.port === defaultPort(host.transport, winrm.https) ? '' : host.port,
    os: host.os,
    transport: host.transport,
    shell: host.shell,
    winrm,
    username: host.username,
    credentialId: host.credentialId ?? '',
    jumpHost: host.jumpHost ?? '',
    becomeCredentialId: host.becomeCredentialId ?? '',
    tags: [...host.tags],
    labels: formatLabels(host.labels),
    pool: host.pool ?? '',
    groups: [...host.groups],
  };
}

/** Choosing an OS picks its default transport and shell. */
export function withOs(values: HostValues, os: Os): HostValues {
  if (os === values.os) return values;
  return os === 'windows'
    ? { ...values, os, transport: 'winrm', shell: 'powershell' }
    : { ...values, os, transport: 'ssh', shell: 'sh' };
}

/** The typed port, or null when the field is empty (or not a number). */
export function parsePort(port: number | string): number | null {
  if (typeof port === 'number') return port;
  const n = Number.parseInt(port.trim(), 10);
  return Number.isNaN(n) ? null : n;
}

/**
 * The WinRM options as they are sent: certificate options only with HTTPS, where unencrypted
 * messages are moot too.
 */
export function winrmSettings(w: WinrmValues): WinrmSettings {
  return {
    https: w.https,
    auth: w.auth,
    allowUnencrypted: w.https ? false : w.allowUnencrypted,
    caCert: w.https && w.caCert.trim() ? w.caCert : null,
    skipVerify: w.https && w.skipVerify,
  };
}

export function createBody(v: HostValues): CreateHost {
  const port = parsePort(v.port);
  return {
    name: v.name.trim(),
    address: v.address.trim(),
    ...(port !== null && { port }),
    os: v.os,
    transport: v.transport,
    shell: v.shell,
    ...(v.transport === 'winrm' && { winrm: winrmSettings(v.winrm) }),
    username: v.username.trim(),
    credentialId: v.credentialId,
    ...(v.jumpHost && { jumpHost: v.jumpHost }),
    ...(v.becomeCredentialId && { becomeCredentialId: v.becomeCredentialId }),
    ...inventoryFields(v, false),
  };
}

/** Tags, labels, pool and groups as sent; on create, empty ones stay out. */
function inventoryFields(
  v: HostValues,
  all: boolean,
): Pick<CreateHost, 'tags' | 'labels' | 'pool' | 'groups'> {
  const labels = parseLabels(v.labels).labels;
  const pool = v.pool.trim();
  return {
    ...((all || v.tags.length > 0) && { tags: v.tags }),
    ...((all || Object.keys(labels).length > 0) && { labels }),
    ...((all || pool !== '') && { pool: pool === '' ? null : pool }),
    ...((all || v.groups.length > 0) && { groups: v.groups }),
  };
}

/** What changed between the host and the form; empty when nothing did. */
export function updateBody(host: Host, v: HostValues): UpdateHost {
  const before = createBody(valuesOf(host));
  const after = createBody(v);
  const body: Record<string, unknown> = {};
  for (const key of ['name', 'address', 'username', 'credentialId'] as const) {
    if (after[key] !== before[key]) body[key] = after[key];
  }
  if (after.os !== before.os || after.transport !== before.transport || after.shell !== before.shell) {
    Object.assign(body, { os: after.os, transport: after.transport, shell: after.shell });
  }
  if (after.winrm && (!before.winrm || JSON.stringify(after.winrm) !== JSON.stringify(before.winrm))) {
    body.winrm = after.winrm;
  }
  if ((after.jumpHost ?? null) !== (before.jumpHost ?? null)) body.jumpHost = after.jumpHost ?? null;
  if ((after.becomeCredentialId ?? null) !== (before.becomeCredentialId ?? null)) {
    body.becomeCredentialId = after.becomeCredentialId ?? null;
  }
  const was = inventoryFields(valuesOf(host), true);
  const now = inventoryFields(v, true);
  for (const key of ['tags', 'labels', 'pool', 'groups'] as const) {
    if (JSON.stringify(now[key]) !== JSON.stringify(was[key])) body[key] = now[key];
  }
  if (after.port !== before.port) {
    // A cleared port goes back to the default of the new settings.
    body.port = after.port ?? defaultPort(v.transport, v.transport === 'winrm' && v.winrm.https);
  }
  return body as UpdateHost;
}

const SHELL_LABEL: Record<Shell, string> = { sh: 'sh', powershell: 'PowerShell', cmd: 'cmd' };

/** e.g. "Linux · SSH", "Windows · WinRM https", "Windows · OpenSSH · cmd". */
export function platformLabel(host: Pick<Host, 'os' | 'transport' | 'shell' | 'winrm'>): string {
  if (host.os === 'linux') return 'Linux · SSH';
  const transport = host.transport === 'winrm' ? `WinRM ${host.winrm?.https ? 'https' : 'http'}` : 'OpenSSH';
  return `Windows · ${transport}${host.shell === 'cmd' ? ' · cmd' : ''}`;
}

/** The longer story for a tooltip: shell, authentication, encryption. */
export function platformDetail(host: Pick<Host, 'os' | 'transport' | 'shell' | 'winrm'>): string {
  const shell = `commands run in ${SHELL_LABEL[host.shell]}`;
  const w = host.winrm;
  if (host.transport !== 'winrm' || !w) return `SSH; ${shell}`;
  const auth = w.auth === 'negotiate' ? 'Negotiate (NTLM)' : 'Basic';
  const protection = w.https
    ? w.skipVerify
      ? 'HTTPS without certificate verification'
      : 'HTTPS'
    : w.auth === 'negotiate' && !w.allowUnencrypted
      ? 'HTTP, messages encrypted by NTLM'
      : 'HTTP, unencrypted';
  return `WinRM with ${auth} over ${protection}; ${shell}`;
}
