/** Maps what happened on a host to the execution's recorded outcome. Pure. */
import { ConnectorError, type ExecResult, FailureKind } from '../connectors/connector.ts';
import type { ExecutionOutcome } from '../db/executions.ts';
import { redact } from '../domain/redact.ts';

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${String(x)}`);
}

type Failure = Pick<ExecutionOutcome, 'status' | 'failureKind' | 'failureMessage'>;

export function failureOutcome(kind: FailureKind, message: string): Failure {
  switch (kind) {
    case FailureKind.canceled:
      return { status: 'canceled', failureKind: kind, failureMessage: message };
    case FailureKind.lost:
      return { status: 'lost', failureKind: kind, failureMessage: message };
    case FailureKind.unreachable:
    case FailureKind.auth:
    case FailureKind.hostKey:
    case FailureKind.timeout:
    case FailureKind.nonzeroExit:
    case FailureKind.protocol:
      return { status: 'failed', failureKind: kind, failureMessage: message };
    default:
      return assertNever(kind);
  }
}

export function exitOutcome(hostName: string, result: ExecResult): Failure & { exitCode: number | null } {
  if (result.exitCode === 0) {
    return { status: 'succeeded', failureKind: null, failureMessage: null, exitCode: 0 };
  }
  const how =
    result.exitCode === null
      ? `was killed by signal ${result.signal ?? 'unknown'}`
      : `exited with code ${result.exitCode}`;
  return {
    ...failureOutcome(FailureKind.nonzeroExit, `the command ${how} on ${hostName}`),
    exitCode: result.exitCode,
  };
}

/**
 * Any error becomes a typed failure. Unknown errors are protocol failures whose message is
 * masked: an error text may quote what it failed on.
 */
export function errorOutcome(error: unknown, secrets: readonly string[]): Failure {
  if (error instanceof ConnectorError) return failureOutcome(error.kind, redact(error.message, secrets));
  const text = error instanceof Error ? error.message : String(error);
  return failureOutcome(FailureKind.protocol, redact(`internal error while running: ${text}`, secrets));
}
