/** The shapes of workers and the executor's status. */
import { type Static, Type } from '@sinclair/typebox';
import { Literals, Nullable, Timestamp } from './schemas.ts';

export const WorkerView = Type.Object({
  id: Type.String(),
  hostname: Type.String(),
  pid: Type.Integer(),
  version: Type.String(),
  concurrency: Type.Integer(),
  /** Executions it runs now. */
  running: Type.Integer(),
  startedAt: Timestamp,
  lastHeartbeatAt: Timestamp,
  stoppedAt: Nullable(Timestamp),
  /** `alive`: heartbeating; `silent`: no heartbeat for longer than the lease (its work is lost); `stopped`. */
  state: Literals(['alive', 'silent', 'stopped'] as const),
});
export type WorkerView = Static<typeof WorkerView>;

export const ExecutorStatus = Type.Object({
  /** Executions waiting for a worker (dispatched, not yet claimed). */
  queued: Type.Integer(),
  /** Executions of runs not yet dispatched (strategy: batches, maxParallel, stepFirst). */
  pending: Type.Integer(),
  running: Type.Integer(),
  workers: Type.Object({ alive: Type.Integer(), silent: Type.Integer(), capacity: Type.Integer() }),
  /** Queue tasks by kind that no worker has taken yet. */
  tasks: Type.Record(Type.String(), Type.Integer()),
});
export type ExecutorStatus = Static<typeof ExecutorStatus>;
