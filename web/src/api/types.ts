/**
 * The API's JSON shapes as the UI sees them. They mirror src/http/schemas.ts and
 * src/http/stream-protocol.ts; contract.check.ts makes the compiler compare the two.
 */

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type ExecutionStatus = RunStatus | 'lost';

/** Why a contact with a host failed (src/connectors/connector.ts FailureKind). */
export type FailureKind =
  | 'unreachable'
  | 'auth'
  | 'host-key'
  | 'timeout'
  | 'nonzero-exit'
  | 'canceled'
  | 'protocol'
  | 'lost';

export type Role = 'admin' | 'operator' | 'viewer';

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: ErrorDetail[] };
}

export interface User {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly createdAt: string;
}

export interface Me {
  readonly user: User;
  /** Sent back in `X-CSRF-Token` on every state-changing request; null for API-token callers. */
  readonly csrfToken: string | null;
}

export interface Token {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface CreateToken {
  readonly name: string;
  readonly expiresInDays?: number;
}

export interface CreatedToken {
  readonly token: Token;
  /** The bearer secret; the server shows it exactly once. */
  readonly secret: string;
}

export type CredentialKind = 'password' | 'ssh-key';

export interface Credential {
  readonly id: string;
  readonly name: string;
  readonly kind: CredentialKind;
  readonly fingerprint: string | null;
  readonly hostCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type CreateCredential =
  | { readonly name: string; readonly kind: 'password'; readonly password: string }
  | {
      readonly name: string;
      readonly kind: 'ssh-key';
      readonly privateKey: string;
      readonly passphrase?: string;
    };

export interface UpdateCredential {
  readonly name?: string;
  readonly password?: string;
  readonly privateKey?: string;
  readonly passphrase?: string;
}

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
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CreateHost {
  readonly name: string;
  readonly address: string;
  readonly port?: number;
  readonly os?: Os;
  readonly transport?: Transport;
  readonly shell?: Shell;
  readonly winrm?: Partial<WinrmSettings>;
  readonly username: string;
  readonly credentialId: string;
}

export type UpdateHost = Partial<CreateHost>;

export interface Execution {
  readonly id: string;
  readonly hostId: string | null;
  readonly hostName: string;
  readonly status: ExecutionStatus;
  readonly failureKind: FailureKind | null;
  readonly failureMessage: string | null;
  readonly exitCode: number | null;
  readonly outputBytes: number;
  readonly truncatedBytes: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface RunCounts {
  readonly total: number;
  readonly queued: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly canceled: number;
  readonly lost: number;
}

export interface Run {
  readonly id: string;
  readonly kind: 'adhoc';
  readonly command: string;
  readonly status: RunStatus;
  readonly timeoutMs: number;
  /** User name of whoever started the run. */
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly counts: RunCounts;
}

export interface RunDetail extends Run {
  readonly executions: Execution[];
}

export interface CreateRun {
  readonly command: string;
  /** Host names or ids. */
  readonly targets: { readonly hosts: string[] };
  readonly timeoutSeconds?: number;
}

export interface RunListQuery {
  readonly limit?: number;
  /** Only runs created before this timestamp (the last row's createdAt, for paging). */
  readonly before?: string;
  readonly status?: RunStatus;
}

export type LogEventKind = 'stdout' | 'stderr' | 'status' | 'system';

export interface LogEvent {
  readonly executionId: string;
  /** Per execution, starting at 1 and growing by 1. */
  readonly seq: number;
  readonly kind: LogEventKind;
  readonly data: string;
  readonly at: string;
}

export interface LogPage {
  readonly events: LogEvent[];
  readonly more: boolean;
}

export interface Health {
  readonly status: 'ok';
  readonly database: boolean;
  readonly version: string;
}

export type JobFormat = 'yaml' | 'json';

/** A remark about a valid definition that is probably not what was meant. */
export interface JobWarning {
  readonly path: string;
  readonly message: string;
}

/**
 * The normalised definition (src/domain/jobs/types.ts JobDefinition); loosely typed here until
 * the UI's job editor needs its fields.
 */
export interface JobDefinition {
  readonly name: string;
  readonly [field: string]: unknown;
}

export interface Job {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly category: string | null;
  readonly tags: string[];
  readonly active: boolean;
  /** The current version's number. */
  readonly version: number;
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface JobDetail extends Job {
  readonly definition: JobDefinition;
  /** How many versions the job has. */
  readonly versions: number;
}

export type SaveJob =
  | { readonly document: string; readonly format?: JobFormat }
  | { readonly definition: Record<string, unknown> };

export interface JobSaved {
  readonly job: JobDetail;
  readonly version: number;
  /** False when the definition equalled the current version, so no version was made. */
  readonly changed: boolean;
  readonly warnings: JobWarning[];
}

export interface JobListQuery {
  readonly q?: string;
  readonly category?: string;
  readonly tag?: string;
  readonly active?: boolean;
}

export interface JobVersionSummary {
  readonly version: number;
  readonly author: string | null;
  readonly createdAt: string;
  readonly hash: string;
}

export interface JobVersion extends JobVersionSummary {
  readonly definition: JobDefinition;
  /** The document as it was submitted. */
  readonly source: string;
  readonly format: JobFormat;
}

export interface ApplyJobs {
  readonly documents: { readonly name?: string; readonly document: string; readonly format?: JobFormat }[];
}

export interface JobApplied {
  readonly document: string | null;
  readonly id: string;
  readonly name: string;
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly version: number;
  readonly warnings: JobWarning[];
}

export interface ApplyResult {
  readonly results: JobApplied[];
}

export interface JobExportItem {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly format: JobFormat;
  readonly source: string;
}

export interface JobExport {
  readonly jobs: JobExportItem[];
}

/** Messages of the live stream at /api/v1/stream. */
export type StreamClientMessage =
  | { readonly type: 'subscribe'; readonly runId: string; readonly after?: Readonly<Record<string, number>> }
  | { readonly type: 'unsubscribe'; readonly runId: string };

export type StreamServerMessage =
  | { readonly type: 'run'; readonly run: RunDetail }
  | { readonly type: 'event'; readonly runId: string; readonly event: LogEvent }
  | { readonly type: 'error'; readonly message: string };
