/** Hosts as the UI sees them: connection settings, health, facts, inventory (src/http/schemas.ts). */
import type { FailureKind } from './types.ts';

export interface HostKey {
  readonly algorithm: string;
  readonly fingerprint: string;
}

export interface HostCheck {
  readonly ok: boolean;
  readonly failureKind: FailureKind | null;
  readonly message: string;
  readonly latencyMs: number | null;
  readonly checkedAt: string;
}

export type Os = 'linux' | 'windows';
export type Transport = 'ssh' | 'winrm';
/** `sh` on Linux; PowerShell (default) or cmd on Windows. */
export type Shell = 'sh' | 'powershell' | 'cmd';

export interface WinrmSettings {
  /** HTTPS (5986) instead of HTTP with NTLM message encryption (5985). */
  readonly https: boolean;
  readonly auth: 'negotiate' | 'basic';
  /** The host accepts unencrypted messages (needed for basic over plain HTTP). */
  readonly allowUnencrypted: boolean;
  readonly caCert: string | null;
  readonly skipVerify: boolean;
}

export interface Host {
  readonly id: string;
  /** The project it belongs to. */
  readonly projectId: string;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly os: Os;
  readonly transport: Transport;
  readonly shell: Shell;
  /** Null for SSH hosts. */
  readonly winrm: WinrmSettings | null;
  readonly username: string;
  readonly credentialId: string | null;
  readonly credentialName: string | null;
  readonly hostKey: HostKey | null;
  /** A key the host presented that differs from the recorded one, waiting to be accepted. */
  readonly pendingHostKey: HostKey | null;
  readonly lastCheck: HostCheck | null;
  /** The bastion's name; connections go through it. */
  readonly jumpHost: string | null;
  /** The password credential sudo gets for become steps; null: the login password, if any. */
  readonly becomeCredentialId: string | null;
  readonly becomeCredentialName: string | null;
  readonly health: HostHealth;
  readonly facts: HostFacts | null;
  readonly tags: string[];
  readonly labels: Record<string, string>;
  /** The worker pool (a worker tag `key=value`) that runs this host; null: any worker. */
  readonly pool: string | null;
  /** The groups the host is directly in (selectors see their ancestors too). */
  readonly groups: string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type HealthStatus = 'up' | 'down' | 'unknown';
export interface HostHealth {
  readonly status: HealthStatus;
  readonly latencyMs: number | null;
  readonly failureKind: FailureKind | null;
  readonly message: string | null;
  readonly checkedAt: string | null;
}
export interface HostFacts {
  readonly hostname: string | null;
  readonly os: string | null;
  readonly osVersion: string | null;
  readonly kernel: string | null;
  readonly arch: string | null;
  readonly gatheredAt: string;
}

export interface CreateHost {
  readonly name: string;
  /** Where it goes (default: your only project; admins: default). */
  readonly projectId?: string;
  readonly address: string;
  readonly port?: number;
  readonly os?: Os;
  readonly transport?: Transport;
  readonly shell?: Shell;
  readonly winrm?: Partial<WinrmSettings>;
  readonly username: string;
  readonly credentialId: string;
  /** A bastion's name or id; null: connect directly. */
  readonly jumpHost?: string | null;
  readonly becomeCredentialId?: string | null;
  readonly tags?: string[];
  readonly labels?: Record<string, string>;
  readonly pool?: string | null;
  /** Group names the host is directly in. */
  readonly groups?: string[];
}

/** A host stays in its project. */
export type UpdateHost = Partial<Omit<CreateHost, 'projectId'>>;
