/** The closed sets of statuses, with their meanings. The same values are check constraints in SQL. */

export const RunStatus = {
  /** Created; no execution has started yet. */
  queued: 'queued',
  /** At least one execution started and not all are final. */
  running: 'running',
  /** Every execution succeeded. */
  succeeded: 'succeeded',
  /** All executions are final and at least one failed or was lost. */
  failed: 'failed',
  /** A person canceled the run; every execution is final. */
  canceled: 'canceled',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const ExecutionStatus = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  /** Ended with a typed failure (see FailureKind). */
  failed: 'failed',
  canceled: 'canceled',
  /** Its worker died; nobody is running it any more. */
  lost: 'lost',
  /** Never started: the run's failure threshold (strategy `maxFailures`) stopped it. */
  skipped: 'skipped',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

const FINAL_EXECUTION: ReadonlySet<string> = new Set([
  ExecutionStatus.succeeded,
  ExecutionStatus.failed,
  ExecutionStatus.canceled,
  ExecutionStatus.lost,
  ExecutionStatus.skipped,
]);

export function isFinalExecution(status: string): boolean {
  return FINAL_EXECUTION.has(status);
}

export function isFinalRun(status: string): boolean {
  return status === RunStatus.succeeded || status === RunStatus.failed || status === RunStatus.canceled;
}

/**
 * A run's status follows from its executions' statuses and whether someone canceled it: running
 * while any execution is not final; then canceled if a person canceled it and some execution was
 * canceled; succeeded if every execution succeeded; failed otherwise (a failed, lost or skipped
 * host — a host is skipped only after others failed).
 */
export function deriveRunStatus(executions: readonly string[], cancelRequested: boolean): RunStatus {
  if (executions.length === 0) return cancelRequested ? RunStatus.canceled : RunStatus.succeeded;
  if (!executions.every(isFinalExecution)) {
    return executions.some((s) => s !== ExecutionStatus.queued) ? RunStatus.running : RunStatus.queued;
  }
  if (cancelRequested && executions.some((s) => s === ExecutionStatus.canceled)) return RunStatus.canceled;
  return executions.every((s) => s === ExecutionStatus.succeeded) ? RunStatus.succeeded : RunStatus.failed;
}
