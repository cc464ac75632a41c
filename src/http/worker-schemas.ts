/** The shapes of workers and the executor's status. */
import { type Static, Type } from '@sinclair/typebox';
import { Literals, Nullable, Timestamp } from './schemas.ts';

export const WORKER_STATES = ['alive', 'stopping', 'silent', 'stopped'] as const;

export const WorkerView = Type.Object({
  id: Type.String(),
  hostname: Type.String(),
  pid: Type.Integer(),
  version: Type.String(),
  concurrency: Type.Integer(),
  /** Executions it runs now. */
  running: Type.Integer(),
  /** The pools it serves (`--tags key=value`). */
  tags: Type.Array(Type.String()),
  /** Serves only the pools of its tags, not hosts without a pool (`--pool-only`). */
  poolOnly: Type.Boolean(),
  startedAt: Timestamp,
  lastHeartbeatAt: Timestamp,
  /** When its graceful shutdown began (it claims nothing more), else null. */
  stoppingAt: Nullable(Timestamp),
  stoppedAt: Nullable(Timestamp),
  /**
   * `alive`: heartbeating and claiming; `stopping`: shutting down, finishing or handing back its
   * work; `silent`: no heartbeat for longer than the lease (its work is lost); `stopped`.
   */
  state: Literals(WORKER_STATES),
});
export type WorkerView = Static<typeof WorkerView>;

/** One pool's load: `pool` null stands for the hosts with no pool (any worker not --pool-only). */
export const PoolStatus = Type.Object({
  pool: Nullable(Type.String()),
  /** Executions routed to it, waiting for a worker. */
  queued: Type.Integer(),
  running: Type.Integer(),
  /** Alive workers that serve it, and their summed concurrency (shared with their other pools). */
  workers: Type.Integer(),
  capacity: Type.Integer(),
  /** e.g. "no worker serves pool zone=dmz": its work waits until one starts. Null when served. */
  problem: Nullable(Type.String()),
});
export type PoolStatus = Static<typeof PoolStatus>;

/** An alive or stopping worker's load, as the executor sees it. */
export const WorkerLoad = Type.Object({
  id: Type.String(),
  state: Literals(WORKER_STATES),
  tags: Type.Array(Type.String()),
  poolOnly: Type.Boolean(),
  running: Type.Integer(),
  concurrency: Type.Integer(),
});
export type WorkerLoad = Static<typeof WorkerLoad>;

export const ExecutorStatus = Type.Object({
  /** Executions waiting for a worker (dispatched, not yet claimed). */
  queued: Type.Integer(),
  /** Executions of runs not yet dispatched (strategy: batches, maxParallel, stepFirst). */
  pending: Type.Integer(),
  running: Type.Integer(),
  workers: Type.Object({
    alive: Type.Integer(),
    stopping: Type.Integer(),
    silent: Type.Integer(),
    capacity: Type.Integer(),
  }),
  /** Every pool hosts are routed to or workers serve, and the hosts with no pool (`pool: null`). */
  pools: Type.Array(PoolStatus),
  /** What each alive or stopping worker runs. */
  perWorker: Type.Array(WorkerLoad),
  /** Queue tasks by identifier (routed ones name their pool: `orca.execute@zone=dmz`) not yet taken. */
  tasks: Type.Record(Type.String(), Type.Integer()),
});
export type ExecutorStatus = Static<typeof ExecutorStatus>;
