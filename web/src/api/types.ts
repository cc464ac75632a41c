/**
 * The API's JSON shapes as the UI sees them. They mirror src/http/schemas.ts and
 * src/http/stream-protocol.ts (jobs: job-types.ts); contract.check.ts makes the compiler compare them.
 */

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** `skipped`: never started, because a rolling batch's failure threshold stopped the rest. */
export type ExecutionStatus = RunStatus | 'lost' | 'skipped';

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
  /** The most the token may do (it acts with the lower of this and its user's role); null: the user's role. */
  readonly role: Role | null;
}

export interface CreateToken {
  readonly name: string;
  /** Default 90, at most 365. */
  readonly expiresInDays?: number;
  /** At most the creator's role. */
  readonly role?: Role;
}

export interface CreatedToken {
  readonly token: Token;
  /** The bearer secret; the server shows it exactly once. */
  readonly secret: string;
}

export type CredentialKind = 'password' | 'ssh-key' | 'ssh-agent';

export interface Credential {
  readonly id: string;
  /** The project it belongs to. */
  readonly projectId: string;
  readonly name: string;
  readonly kind: CredentialKind;
  readonly fingerprint: string | null;
  readonly hostCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Username of who last changed the name or the secret. */
  readonly updatedBy: string | null;
}

export type CreateCredential =
  | { readonly name: string; readonly kind: 'password'; readonly password: string }
  | {
      readonly name: string;
      readonly kind: 'ssh-key';
      readonly privateKey: string;
      readonly passphrase?: string;
    }
  | { readonly name: string; readonly kind: 'ssh-agent'; readonly forward?: boolean };

export interface UpdateCredential {
  readonly name?: string;
  readonly password?: string;
  readonly privateKey?: string;
  readonly passphrase?: string;
  readonly forward?: boolean;
}

import type { HostCheck, Os, Transport } from './host-types.ts';

export type * from './host-types.ts';

export type StepResultStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'canceled';

/** What one step did on one host. Steps not reached yet have no result. */
export interface StepResult {
  /** The step's place in the job (0-based). */
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly status: StepResultStatus;
  /** Attempts made, retries included (0 for a skipped step). */
  readonly attempts: number;
  readonly exitCode: number | null;
  readonly failureKind: FailureKind | null;
  readonly failureMessage: string | null;
  /** Failed, but the step has continueOnError: the host went on. */
  readonly tolerated: boolean;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
}

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
  /** The rolling batch this host belongs to (0-based; 0 when the run has one batch). */
  readonly batch: number;
  /** The worker that runs or ran it; null before a claim. */
  readonly workerId: string | null;
  /** The worker pool it was routed to; null: any worker. */
  readonly pool: string | null;
  /** Job runs: a result per step reached so far, in step order. Ad-hoc runs: empty. */
  readonly steps: StepResult[];
}

export interface RunCounts {
  readonly total: number;
  readonly queued: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly canceled: number;
  readonly lost: number;
  readonly skipped: number;
}

export type RunKind = 'adhoc' | 'job';
export type RetryMode = 'failed' | 'all';

/** The job and the exact version a job run ran. */
export interface RunJob {
  readonly id: string;
  readonly name: string;
  readonly version: number;
}

export interface Run {
  readonly id: string;
  /** The project it belongs to. */
  readonly projectId: string;
  readonly kind: RunKind;
  /** The ad-hoc command; null for a job run. */
  readonly command: string | null;
  /** Null for an ad-hoc run. */
  readonly job: RunJob | null;
  /** The run this one retried (`retryMode` failed) or re-ran (`all`). */
  readonly retryOf: string | null;
  readonly retryMode: RetryMode | null;
  readonly status: RunStatus;
  readonly timeoutMs: number;
  /** User name of whoever started the run. */
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** -100..100: higher starts first when workers are saturated. */
  readonly priority: number;
  readonly counts: RunCounts;
}

/** A step of the job version a run ran. */
export interface RunStep {
  readonly index: number;
  readonly id: string;
  readonly name: string;
  readonly type: string;
}

/** A file a `download` step fetched from a host. */
export interface Artifact {
  readonly id: string;
  readonly executionId: string;
  readonly hostName: string;
  readonly stepIndex: number;
  readonly name: string;
  readonly size: number;
  readonly sha256: string | null;
  readonly createdAt: string;
}

/** Host names (globs allowed) or ids, or a selector expression. */
export interface TargetSelection {
  readonly hosts?: string[];
  readonly selector?: string;
}

export interface RunDetail extends Run {
  readonly executions: Execution[];
  /** Job runs: the version's steps, in order. Ad-hoc runs: empty. */
  readonly steps: RunStep[];
  /** The values the run used; secret parameters show as `***`. Ad-hoc runs: {}. */
  readonly parameters: Record<string, unknown>;
  /** The target selection as given at launch (or taken from the job). */
  readonly targets: TargetSelection | null;
  readonly artifacts: Artifact[];
}

export interface CreateRun {
  readonly command: string;
  /** Where it goes (default: your only project; admins: default). */
  readonly projectId?: string;
  /** Host names or ids, a selector, or both (their union). */
  readonly targets: { readonly hosts?: string[]; readonly selector?: string };
  readonly timeoutSeconds?: number;
  readonly priority?: number;
}

export interface RunListQuery {
  readonly limit?: number;
  /** Only this project's runs (id or name). */
  readonly project?: string;
  /** Only runs created before this timestamp (the last row's createdAt, for paging). */
  readonly before?: string;
  readonly status?: RunStatus;
  /** Only runs of this job. */
  readonly job?: string;
}

export interface LaunchJob {
  /** Values by parameter name; defaults fill the rest. */
  readonly parameters?: Record<string, unknown>;
  /** Overrides the job's default targets. */
  readonly targets?: TargetSelection;
  /** A version other than the current one. */
  readonly version?: number;
  readonly priority?: number;
}

export interface RetryRun {
  /** `failed`: only the hosts that did not succeed; `all`: every host of the run again. */
  readonly mode?: RetryMode;
}

export interface HostRef {
  readonly id: string;
  readonly name: string;
  readonly os: Os;
  readonly transport: Transport;
}

export interface ResolvedTargets {
  readonly hosts: HostRef[];
  /** Names and patterns that matched no host. */
  readonly unmatched: string[];
}

export interface JobStats {
  readonly runs: number;
  /** Runs that ended (succeeded, failed or canceled). */
  readonly finished: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly canceled: number;
  /** succeeded / (succeeded + failed); null before the first such run. */
  readonly successRate: number | null;
  readonly medianDurationMs: number | null;
  readonly p95DurationMs: number | null;
  readonly lastRunAt: string | null;
}

export type LogEventKind = 'stdout' | 'stderr' | 'status' | 'system';

export interface LogEvent {
  readonly executionId: string;
  /** Per execution, starting at 1 and growing by 1. */
  readonly seq: number;
  readonly kind: LogEventKind;
  readonly data: string;
  readonly at: string;
  /** The step (index) this event belongs to; null in ad-hoc runs and outside steps. */
  readonly step: number | null;
}

export interface LogPage {
  readonly events: LogEvent[];
  readonly more: boolean;
}

export interface Health {
  /** `degraded`: the server runs but cannot reach the database. */
  readonly status: 'ok' | 'degraded';
  readonly database: boolean;
  readonly version: string;
}

/** Messages of the live stream at /api/v1/stream. */
export type StreamClientMessage =
  | { readonly type: 'subscribe'; readonly runId: string; readonly after?: Readonly<Record<string, number>> }
  | { readonly type: 'unsubscribe'; readonly runId: string };

export type StreamServerMessage =
  | { readonly type: 'run'; readonly run: RunDetail }
  | { readonly type: 'event'; readonly runId: string; readonly event: LogEvent }
  | { readonly type: 'error'; readonly message: string };

export interface Group {
  readonly id: string;
  /** The project it belongs to. */
  readonly projectId: string;
  readonly name: string;
  readonly description: string;
  /** The hosts directly in the group, by name. */
  readonly hosts: string[];
  /** Groups nested in this one. */
  readonly children: string[];
  /** Groups this one is nested in. */
  readonly parents: string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CreateGroup {
  readonly name: string;
  /** Where it goes (default: your only project; admins: default). */
  readonly projectId?: string;
  readonly description?: string;
  readonly children?: string[];
  readonly hosts?: string[];
}

/** A group stays in its project. */
export type UpdateGroup = Partial<Omit<CreateGroup, 'projectId'>>;

export type BulkAction = 'tag' | 'untag' | 'delete' | 'test';

export interface HostsBulk {
  readonly action: BulkAction;
  readonly tags?: string[];
  readonly hosts?: string[];
  readonly selector?: string;
}

export interface BulkCheck {
  readonly hostId: string;
  readonly hostName: string;
  readonly checkId: string;
  /** Null while no worker has answered. */
  readonly result: HostCheck | null;
}

export interface HostsBulkResult {
  readonly action: BulkAction;
  readonly hosts: { readonly id: string; readonly name: string }[];
  readonly checks: BulkCheck[];
}
