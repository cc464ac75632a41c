/** One execution: claim it, contact the host, stream the output, record the outcome. */
import { ConnectorError, type Session } from '../connectors/connector.ts';
import { advanceRun } from '../db/dispatch.ts';
import { appendEvents, Channel, notify } from '../db/events.ts';
import {
  type ClaimedExecution,
  claimExecution,
  type ExecutionOutcome,
  finishExecution,
  releaseExecution,
  requeueLater,
} from '../db/executions.ts';
import { refreshRunStatus } from '../db/runs.ts';
import { isTransientDbError, retryTransient } from '../db/transient.ts';
import { ShutdownAbort } from './cancel.ts';
import { type Contact, contactSecrets, loadContact, openSession } from './contact.ts';
import type { EngineDeps } from './deps.ts';
import { loadJobRunContext } from './job-context.ts';
import { type JobExecutionEnd, runJobSteps } from './job-execution.ts';
import { errorOutcome, exitOutcome } from './outcome.ts';
import { OutputRecorder } from './output.ts';

/** Runs `fn` on a pooled session to the host, opening one if none is free. */
export async function withSession<T>(
  deps: EngineDeps,
  contact: Contact,
  signal: AbortSignal,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  return deps.pool.use(contact.poolKey, () => openSession(deps, contact, signal), fn);
}

/** How long an execution waits before it tries again for a host another run holds. */
export const HOST_BUSY_RETRY_MS = 2000;

export async function runExecution(deps: EngineDeps, executionId: string): Promise<void> {
  const claim = await claimExecution(deps.db, executionId, deps.workerId);
  if (claim.kind === 'gone') return;
  if (claim.kind === 'busy') {
    await noteWaiting(deps, executionId, claim.heldBy?.runId ?? null);
    await requeueLater(deps.db, executionId, HOST_BUSY_RETRY_MS);
    return;
  }
  const claimed = claim.execution;
  const controller = deps.cancels.register(claimed.id);
  try {
    // A host starting cannot change the status of a run that is already running.
    await announce(deps, claimed.runId, claimed.runStatus !== 'running');
    if (claimed.runKind === 'job') await executeJob(deps, claimed, controller.signal);
    else await execute(deps, claimed, controller.signal);
  } finally {
    deps.cancels.unregister(claimed.id);
  }
}

/** Says once, in the host's log, why an execution has not started. */
async function noteWaiting(deps: EngineDeps, executionId: string, runId: string | null): Promise<void> {
  const row = await deps.db
    .selectFrom('executions')
    .select(['run_id', 'host_name'])
    .where('id', '=', executionId)
    .executeTakeFirst();
  if (!row) return;
  const inserted = await deps.db
    .insertInto('execution_events')
    .values({
      execution_id: executionId,
      seq: 1,
      kind: 'system',
      data: `waiting: ${row.host_name} is busy with ${runId ? `run ${runId}` : 'another run'}; this job does not share a host (strategy allowConcurrentOnHost)`,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if ((inserted.numInsertedOrUpdatedRows ?? 0n) > 0n) {
    await notify(deps.db, Channel.run, { run: row.run_id, status: false });
  }
}

async function executeJob(deps: EngineDeps, ex: ClaimedExecution, signal: AbortSignal): Promise<void> {
  let recorder: OutputRecorder | null = null;
  let secrets: string[] = [];
  let end: JobExecutionEnd;
  try {
    const job = await loadJobRunContext(deps.db, deps.vault, ex.runId);
    const contact = await loadContact(deps, ex.hostId, ex.hostName).catch((e: unknown) => {
      if (e instanceof ConnectorError) return e;
      throw e;
    });
    secrets = [...job.secrets, ...(contact instanceof ConnectorError ? [] : contactSecrets(contact))];
    recorder = newRecorder(deps, ex, secrets);
    if (ex.nextStep === 0) recorder.event('status', JSON.stringify({ status: 'running' }));
    end = await runJobSteps(deps, ex, job, contact, recorder, secrets, signal);
  } catch (error) {
    const failure = errorOutcome(error, secrets);
    deps.log.error({ executionId: ex.id, err: failure.failureMessage }, 'execution failed unexpectedly');
    end = { kind: 'final', outcome: { ...failure, exitCode: null } };
  }
  recorder ??= newRecorder(deps, ex, secrets);
  if (end.kind === 'yield' || end.kind === 'handback') {
    if (end.kind === 'handback') recorder.event('status', JSON.stringify({ status: 'queued' }));
    await closeRecorder(deps, ex, recorder);
    await releaseExecution(deps.db, ex.id, deps.workerId, {
      nextStep: end.nextStep,
      ...outputTotals(ex, recorder),
    });
    await advanceRun(deps.db, ex.runId);
    await announce(deps, ex.runId);
    return;
  }
  await finish(deps, ex, recorder, end.outcome);
}

/** Stores the final status event and the outcome, then lets the run's next hosts start. */
async function finish(
  deps: EngineDeps,
  ex: ClaimedExecution,
  recorder: OutputRecorder,
  outcome: Omit<ExecutionOutcome, 'outputBytes' | 'truncatedBytes'>,
): Promise<void> {
  recorder.event(
    'status',
    JSON.stringify({
      status: outcome.status,
      exitCode: outcome.exitCode,
      failureKind: outcome.failureKind,
      message: outcome.failureMessage,
    }),
  );
  await closeRecorder(deps, ex, recorder);
  // Each write is repeatable, and the task must not end (and be acknowledged to the queue)
  // while the database is away: the outcome would be lost with it.
  const retry = <T>(fn: () => Promise<T>) =>
    retryTransient(fn, {
      onRetry: (e, attempt) =>
        attempt === 1 &&
        deps.log.warn({ executionId: ex.id, err: String(e) }, 'database unreachable; retrying'),
    });
  await retry(() =>
    finishExecution(deps.db, ex.id, deps.workerId, { ...outcome, ...outputTotals(ex, recorder) }),
  );
  await retry(() => advanceRun(deps.db, ex.runId));
  await retry(() => announce(deps, ex.runId));
}

async function closeRecorder(
  deps: EngineDeps,
  ex: ClaimedExecution,
  recorder: OutputRecorder,
): Promise<void> {
  try {
    await recorder.close();
  } catch (error) {
    deps.log.error({ executionId: ex.id, err: String(error) }, 'could not store output');
  }
}

const outputTotals = (ex: ClaimedExecution, recorder: OutputRecorder) => ({
  outputBytes: ex.outputBytes + recorder.outputBytes,
  truncatedBytes: ex.truncatedBytes + recorder.truncatedBytes,
});

async function execute(deps: EngineDeps, ex: ClaimedExecution, signal: AbortSignal): Promise<void> {
  let secrets: string[] = [];
  let recorder: OutputRecorder | null = null;
  let outcome: Omit<ExecutionOutcome, 'outputBytes' | 'truncatedBytes'>;
  try {
    const contact = await loadContact(deps, ex.hostId, ex.hostName);
    secrets = contactSecrets(contact);
    recorder = newRecorder(deps, ex, secrets);
    recorder.event('status', JSON.stringify({ status: 'running' }));
    const rec = recorder;
    const result = await withSession(deps, contact, signal, (session) =>
      session.exec(ex.command ?? '', {
        timeoutMs: ex.timeoutMs,
        signal,
        onOutput: (stream, chunk) => rec.write(stream, chunk),
      }),
    );
    outcome = exitOutcome(ex.hostName, result);
  } catch (error) {
    if (signal.reason instanceof ShutdownAbort) {
      await handBack(deps, ex, recorder ?? newRecorder(deps, ex, secrets), signal.reason.message);
      return;
    }
    outcome = { ...errorOutcome(error, secrets), exitCode: null };
    if (!(error instanceof ConnectorError))
      deps.log.error({ executionId: ex.id, err: outcome.failureMessage }, 'execution failed unexpectedly');
  }
  await finish(deps, ex, recorder ?? newRecorder(deps, ex, secrets), outcome);
}

/**
 * An ad-hoc command stopped by this worker's graceful shutdown (its remote process killed) goes
 * back to the queue, the attempt not counted, so another worker runs it again from the start.
 */
async function handBack(
  deps: EngineDeps,
  ex: ClaimedExecution,
  recorder: OutputRecorder,
  reason: string,
): Promise<void> {
  recorder.event(
    'system',
    `the command was stopped because the worker shut down (${reason}); it runs again on another worker`,
  );
  recorder.event('status', JSON.stringify({ status: 'queued' }));
  await closeRecorder(deps, ex, recorder);
  await releaseExecution(deps.db, ex.id, deps.workerId, { nextStep: 0, ...outputTotals(ex, recorder) });
  await advanceRun(deps.db, ex.runId);
  await announce(deps, ex.runId, true);
}

function newRecorder(deps: EngineDeps, ex: ClaimedExecution, secrets: string[]): OutputRecorder {
  return new OutputRecorder(
    {
      write: async (batch, last) => {
        await appendEvents(
          deps.db,
          batch.map((e) => ({ executionId: ex.id, ...e })),
        );
        // The last batch is followed by the end's announcement, which makes listeners read it.
        if (!last) await notify(deps.db, Channel.run, { run: ex.runId, status: false });
      },
    },
    {
      firstSeq: ex.nextSeq,
      limitBytes: Math.max(0, deps.outputLimitBytes - ex.outputBytes),
      secrets,
      // The database restarting mid-command costs at most a marked gap, not the execution.
      retryable: isTransientDbError,
    },
  );
}

/**
 * Recomputes the run's status (unless the caller knows it cannot have changed) and tells every
 * server that an execution's status changed.
 */
async function announce(deps: EngineDeps, runId: string, refresh = true): Promise<void> {
  if (refresh) await refreshRunStatus(deps.db, runId);
  await notify(deps.db, Channel.run, { run: runId, status: true });
}
