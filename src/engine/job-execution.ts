/**
 * An execution of a job run on one host: its steps in order from `nextStep`, each judged by its
 * `when`, retried per its policy, its result stored. hostFirst runs every step in one task;
 * stepFirst runs one step and hands the execution back, so the dispatcher can hold it until every
 * host of the batch has done that step.
 *
 * The host's outcome: canceled if canceled; failed with the first step that failed without
 * continueOnError (its failure kind, message and exit code); succeeded otherwise.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConnectorError,
  type ExecResult,
  FailureKind,
  type OutputStream,
  type Session,
} from '../connectors/connector.ts';
import type { ClaimedExecution, ExecutionOutcome } from '../db/executions.ts';
import {
  countAttempt,
  finishStep,
  loadSteps,
  recordSkippedStep,
  type StoredStep,
  startStep,
} from '../db/steps.ts';
import { OrcaError } from '../domain/errors.ts';
import type { Os, Shell } from '../domain/host-settings.ts';
import { firstStoppingFailure, shouldRun, skipReason } from '../domain/jobs/conditions.ts';
import type { StepOutputs } from '../domain/jobs/render.ts';
import type { RetryPolicy, StepSpec } from '../domain/jobs/types.ts';
import { rerunnableAfterShutdown } from '../domain/pools.ts';
import { redact } from '../domain/redact.ts';
import { ShutdownAbort } from './cancel.ts';
import { type Contact, openSession } from './contact.ts';
import type { EngineDeps } from './deps.ts';
import type { JobRunContext } from './job-context.ts';
import { errorOutcome, exitOutcome } from './outcome.ts';
import type { OutputRecorder } from './output.ts';
import { attemptStep } from './steps.ts';

/** Captured output kept per step for `${{ steps.<id>.stdout }}`. */
export const CAPTURE_BYTES = 64 * 1024;

export type JobExecutionEnd =
  | { readonly kind: 'final'; readonly outcome: StepOutcomeSummary }
  /** stepFirst: more steps remain; continue at `nextStep`. */
  | { readonly kind: 'yield'; readonly nextStep: number }
  /** The worker shut down during step `nextStep`, which may run again: another worker continues there. */
  | { readonly kind: 'handback'; readonly nextStep: number; readonly reason: string };

export interface StepOutcomeSummary {
  readonly status: ExecutionOutcome['status'];
  readonly exitCode: number | null;
  readonly failureKind: FailureKind | null;
  readonly failureMessage: string | null;
}

/** Errors thrown while opening a session: the only ones `on: connection` retries. */
const openFailures = new WeakSet<object>();

export async function runJobSteps(
  deps: EngineDeps,
  ex: ClaimedExecution,
  job: JobRunContext,
  /** How to reach the host, or why it cannot be reached (remote steps then fail with it). */
  contact: Contact | ConnectorError,
  recorder: OutputRecorder,
  secrets: readonly string[],
  signal: AbortSignal,
): Promise<JobExecutionEnd> {
  const steps = job.definition.steps;
  const prior: StoredStep[] = await loadSteps(deps.db, ex.id);
  const stepFirst = job.definition.strategy.order === 'stepFirst';
  const getContact = async () => {
    if (contact instanceof ConnectorError) throw contact;
    return contact;
  };
  // The host's OS and shell decide how commands are written, even for steps that fail to connect.
  const platform =
    contact instanceof ConnectorError
      ? await hostPlatform(deps, ex)
      : { os: contact.target.os, shell: contact.target.shell };

  for (let index = ex.nextStep; index < steps.length; index++) {
    const step = steps[index];
    if (!step) break;
    const base = { executionId: ex.id, index, id: step.id, name: step.name, type: step.type };
    recorder.setStep(index);
    if (!shouldRun(step.when, prior)) {
      const reason = skipReason(step.when);
      await recordSkippedStep(deps.db, { ...base, reason });
      recorder.event('system', `step ${index + 1} "${step.name}" ${reason}`);
      prior.push({
        index,
        id: step.id,
        status: 'skipped',
        tolerated: false,
        exitCode: null,
        failureKind: null,
        failureMessage: reason,
        outputs: null,
      });
    } else {
      await startStep(deps.db, base);
      recorder.event('system', `step ${index + 1} "${step.name}" (${step.type}) started`);
      const result = await runStepWithRetries(
        deps,
        ex,
        job,
        step,
        index,
        prior,
        platform,
        getContact,
        recorder,
        secrets,
        signal,
      );
      if (
        result.status === 'canceled' &&
        signal.reason instanceof ShutdownAbort &&
        rerunnableAfterShutdown(step)
      ) {
        const reason = `step ${index + 1} "${step.name}" was stopped because the worker shut down; it runs again on another worker`;
        await finishStep(deps.db, ex.id, { ...result, failureMessage: reason });
        recorder.event('system', reason);
        recorder.setStep(null);
        return { kind: 'handback', nextStep: index, reason };
      }
      await finishStep(deps.db, ex.id, result);
      recorder.event('system', stepEndLine(index, step, result));
      prior.push(result);
      if (result.status === 'canceled') break;
    }
    if (stepFirst && index + 1 < steps.length) {
      recorder.setStep(null);
      return { kind: 'yield', nextStep: index + 1 };
    }
  }
  recorder.setStep(null);
  return { kind: 'final', outcome: summarise(prior, signal) };
}

function summarise(prior: readonly StoredStep[], signal: AbortSignal): StepOutcomeSummary {
  const canceled = prior.find((s) => s.status === 'canceled');
  if (canceled) {
    const lost = signal.reason instanceof ShutdownAbort;
    return {
      status: lost ? 'lost' : 'canceled',
      exitCode: null,
      failureKind: lost ? FailureKind.lost : FailureKind.canceled,
      failureMessage: canceled.failureMessage,
    };
  }
  const failed = firstStoppingFailure(prior);
  if (failed) {
    return {
      status: 'failed',
      exitCode: failed.exitCode,
      failureKind: failed.failureKind,
      failureMessage: `step "${failed.id}" failed: ${failed.failureMessage ?? 'unknown failure'}`,
    };
  }
  const last = [...prior].reverse().find((s) => s.status !== 'skipped');
  return { status: 'succeeded', exitCode: last?.exitCode ?? 0, failureKind: null, failureMessage: null };
}

function stepEndLine(index: number, step: StepSpec, r: StoredStep): string {
  const what = `step ${index + 1} "${step.name}"`;
  if (r.status === 'succeeded')
    return `${what} succeeded${r.exitCode !== null ? ` (exit ${r.exitCode})` : ''}`;
  if (r.tolerated) return `${what} failed, tolerated (continueOnError): ${r.failureMessage}`;
  return `${what} ${r.status}: ${r.failureMessage}`;
}

/** The OS and shell of a host that cannot be contacted (no credential, say): for how steps are written. */
async function hostPlatform(deps: EngineDeps, ex: ClaimedExecution) {
  const row = ex.hostId
    ? await deps.db.selectFrom('hosts').select(['os', 'shell']).where('id', '=', ex.hostId).executeTakeFirst()
    : undefined;
  return { os: row?.os ?? 'linux', shell: row?.shell ?? 'sh' } as const;
}

async function runStepWithRetries(
  deps: EngineDeps,
  ex: ClaimedExecution,
  job: JobRunContext,
  step: StepSpec,
  index: number,
  prior: readonly StoredStep[],
  platform: { os: Os; shell: Shell },
  getContact: () => Promise<Contact>,
  recorder: OutputRecorder,
  secrets: readonly string[],
  signal: AbortSignal,
): Promise<StoredStep> {
  const context = {
    parameters: job.parameters,
    // Values holding any of these reach commands through the environment, never the command line.
    secrets,
    steps: Object.fromEntries(prior.filter((p) => p.outputs).map((p) => [p.id, p.outputs as StepOutputs])),
  };
  const timeoutMs = step.timeoutSeconds ? step.timeoutSeconds * 1000 : ex.timeoutMs;
  const maxAttempts = 1 + step.retry.attempts;
  for (let attempt = 1; ; attempt++) {
    await countAttempt(deps.db, ex.id, index);
    const capture = new Capture();
    let result: ExecResult | null = null;
    let error: unknown = null;
    try {
      result = await attemptStep({
        deps,
        runId: ex.runId,
        executionId: ex.id,
        hostName: ex.hostName,
        index,
        step,
        os: platform.os,
        shell: platform.shell,
        context,
        timeoutMs,
        signal,
        becomePassword: async () => (await getContact()).becomePassword,
        withSession: async <T>(fn: (s: Session) => Promise<T>) => {
          const c = await getContact();
          return deps.pool.use(
            c.poolKey,
            () =>
              openSession(deps, c, signal).catch((e: unknown) => {
                if (typeof e === 'object' && e !== null) openFailures.add(e);
                throw e;
              }),
            fn,
          );
        },
        onOutput: (stream, chunk) => {
          capture.add(stream, chunk);
          return recorder.write(stream, chunk);
        },
        log: (line) => recorder.event('system', redact(line, secrets)),
      });
    } catch (e) {
      error = e;
    }
    const outputs = capture.outputs(secrets, result);
    if (result && result.exitCode === 0) {
      return stored(
        step,
        index,
        'succeeded',
        { exitCode: 0, failureKind: null, failureMessage: null },
        outputs,
      );
    }
    const failure = result
      ? exitOutcome(ex.hostName, result)
      : { ...errorOutcome(asConnectorError(error), secrets), exitCode: null };
    if (failure.failureKind === FailureKind.canceled || signal.aborted) {
      return stored(
        step,
        index,
        'canceled',
        {
          exitCode: null,
          failureKind: FailureKind.canceled,
          failureMessage:
            signal.reason instanceof ShutdownAbort
              ? `the worker shut down: ${signal.reason.message}`
              : (failure.failureMessage ?? 'canceled'),
        },
        outputs,
      );
    }
    if (attempt < maxAttempts && retriable(step.retry, error, failure.failureKind)) {
      const delayMs = step.retry.backoffSeconds * 1000 * 2 ** (attempt - 1);
      recorder.event(
        'system',
        `step ${index + 1} "${step.name}" attempt ${attempt} of ${maxAttempts} failed (${failure.failureMessage}); retrying in ${delayMs / 1000}s`,
      );
      try {
        await sleep(delayMs, undefined, { signal });
      } catch {
        return stored(
          step,
          index,
          'canceled',
          {
            exitCode: null,
            failureKind: FailureKind.canceled,
            failureMessage: 'canceled while waiting to retry',
          },
          outputs,
        );
      }
      continue;
    }
    return stored(
      step,
      index,
      'failed',
      {
        exitCode: failure.exitCode,
        failureKind: failure.failureKind,
        failureMessage: failure.failureMessage,
      },
      outputs,
      step.continueOnError,
    );
  }
}

/** Template errors (a value the shell cannot take, a missing variant) fail the step, not the worker. */
function asConnectorError(error: unknown): unknown {
  if (error instanceof OrcaError) return new ConnectorError(FailureKind.protocol, error.message);
  return error;
}

function retriable(policy: RetryPolicy, error: unknown, kind: FailureKind | null): boolean {
  if (kind === FailureKind.auth || kind === FailureKind.hostKey || kind === FailureKind.canceled)
    return false;
  const connection = typeof error === 'object' && error !== null && openFailures.has(error);
  if (connection) return true;
  if (policy.on === 'any') return kind !== null;
  return kind === FailureKind.unreachable;
}

function stored(
  step: StepSpec,
  index: number,
  status: StoredStep['status'],
  f: Pick<StoredStep, 'exitCode' | 'failureKind' | 'failureMessage'>,
  outputs: StepOutputs,
  tolerated = false,
): StoredStep {
  return {
    index,
    id: step.id,
    status,
    tolerated,
    ...f,
    outputs: { ...outputs, status, exitCode: f.exitCode },
  };
}

/** The first CAPTURE_BYTES of each stream, for later steps. */
class Capture {
  private readonly parts: Record<OutputStream, Buffer[]> = { stdout: [], stderr: [] };
  private readonly sizes: Record<OutputStream, number> = { stdout: 0, stderr: 0 };

  add(stream: OutputStream, chunk: Buffer): void {
    const room = CAPTURE_BYTES - this.sizes[stream];
    if (room <= 0) return;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.parts[stream].push(Buffer.from(part));
    this.sizes[stream] += part.length;
  }

  outputs(secrets: readonly string[], result: ExecResult | null): StepOutputs {
    const text = (s: OutputStream) =>
      redact(Buffer.concat(this.parts[s]).toString('utf8'), secrets).replace(/\r?\n$/, '');
    return { stdout: text('stdout'), stderr: text('stderr'), exitCode: result?.exitCode ?? null, status: '' };
  }
}
