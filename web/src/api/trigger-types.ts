/** Inbound webhook triggers as the UI sees them (src/http/trigger-schemas.ts). */

export interface TriggerTargets {
  readonly hosts?: string[];
  readonly selector?: string;
}

export interface Trigger {
  readonly id: string;
  readonly jobId: string;
  readonly name: string;
  readonly url: string;
  readonly tokenPrefix: string;
  readonly mapping: Record<string, string>;
  readonly values: Record<string, unknown>;
  readonly targets: TriggerTargets | null;
  readonly version: number | null;
  /** The priority of the runs it starts. */
  readonly priority: number;
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
}

export interface CreateTrigger {
  readonly name: string;
  readonly mapping?: Record<string, string>;
  readonly values?: Record<string, unknown>;
  readonly targets?: TriggerTargets;
  readonly version?: number;
  readonly priority?: number;
}

export interface CreatedTrigger {
  readonly trigger: Trigger;
  readonly token: string;
}

export interface TriggerInvocation {
  readonly at: string;
  readonly remoteAddress: string | null;
  readonly status: number;
  readonly runId: string | null;
  readonly error: string | null;
}
