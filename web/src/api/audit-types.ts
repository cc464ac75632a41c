/** The audit log as the UI sees it (src/http/audit-schemas.ts). */

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly via: 'session' | 'token' | 'public' | 'system';
  readonly address: string | null;
  readonly method: string;
  readonly route: string;
  readonly path: string;
  readonly action: string;
  readonly targetId: string | null;
  readonly status: number;
  readonly request: unknown;
  readonly before: unknown;
  readonly after: unknown;
}

export interface AuditQuery {
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly q?: string;
  readonly from?: string;
  readonly to?: string;
  readonly failed?: boolean;
  readonly before?: number;
  readonly limit?: number;
}
