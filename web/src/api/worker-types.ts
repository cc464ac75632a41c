/** Workers and the executor's status as the UI sees them (src/http/worker-schemas.ts). */

export interface WorkerView {
  readonly id: string;
  readonly hostname: string;
  readonly pid: number;
  readonly version: string;
  readonly concurrency: number;
  readonly running: number;
  readonly startedAt: string;
  readonly lastHeartbeatAt: string;
  readonly stoppedAt: string | null;
  readonly state: 'alive' | 'silent' | 'stopped';
}

export interface ExecutorStatus {
  readonly queued: number;
  readonly pending: number;
  readonly running: number;
  readonly workers: { readonly alive: number; readonly silent: number; readonly capacity: number };
  readonly tasks: Record<string, number>;
}
