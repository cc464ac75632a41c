/** Workers and the executor's status as the UI sees them (src/http/worker-schemas.ts). */

export type WorkerState = 'alive' | 'stopping' | 'silent' | 'stopped';

export interface WorkerView {
  readonly id: string;
  readonly hostname: string;
  readonly pid: number;
  readonly version: string;
  readonly concurrency: number;
  readonly running: number;
  /** The pools it serves (`--tags key=value`). */
  readonly tags: string[];
  /** Serves only its pools, not hosts without a pool. */
  readonly poolOnly: boolean;
  readonly startedAt: string;
  readonly lastHeartbeatAt: string;
  readonly stoppingAt: string | null;
  readonly stoppedAt: string | null;
  readonly state: WorkerState;
}

/** `pool` null: the hosts with no pool. */
export interface PoolStatus {
  readonly pool: string | null;
  readonly queued: number;
  readonly running: number;
  readonly workers: number;
  readonly capacity: number;
  readonly problem: string | null;
}

export interface WorkerLoad {
  readonly id: string;
  readonly state: WorkerState;
  readonly tags: string[];
  readonly poolOnly: boolean;
  readonly running: number;
  readonly concurrency: number;
}

export interface ExecutorStatus {
  readonly queued: number;
  readonly pending: number;
  readonly running: number;
  readonly workers: {
    readonly alive: number;
    readonly stopping: number;
    readonly silent: number;
    readonly capacity: number;
  };
  readonly pools: PoolStatus[];
  readonly perWorker: WorkerLoad[];
  readonly tasks: Record<string, number>;
}
