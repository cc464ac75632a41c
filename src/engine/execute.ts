/** One execution: claim it, contact the host, stream the output, record the outcome. */
import { ConnectorError, FailureKind, type Session } from '../connectors/connector.ts';
import { appendEvents, Channel, notify } from '../db/events.ts';
import {
  type ClaimedExecution,
  claimExecution,
  type ExecutionOutcome,
  finishExecution,
} from '../db/executions.ts';
import { refreshRunStatus } from '../db/runs.ts';
import { secretValues } from '../security/credentials.ts';
import { ShutdownAbort } from './cancel.ts';
import { type Contact, loadContact, openSession } from './contact.ts';
import type { EngineDeps } from './deps.ts';
import { errorOutcome, exitOutcome, failureOutcome } from './outcome.ts';
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

export async function runExecution(deps: EngineDeps, executionId: string): Promise<void> {
  const claimed = await claimExecution(deps.db, executionId, deps.workerId);
  if (!claimed) return;
  const controller = deps.cancels.register(claimed.id);
  try {
    await announce(deps, claimed.runId, true);
    await execute(deps, claimed, controller.signal);
  } finally {
    deps.cancels.unregister(claimed.id);
  }
}

async function execute(deps: EngineDeps, ex: ClaimedExecution, signal: AbortSignal): Promise<void> {
  let secrets: string[] = [];
  let recorder: OutputRecorder | null = null;
  let outcome: Omit<ExecutionOutcome, 'outputBytes' | 'truncatedBytes'>;
  try {
    const contact = await loadContact(deps, ex.hostId, ex.hostName);
    secrets = secretValues(contact.secret);
    recorder = newRecorder(deps, ex, secrets);
    recorder.event('status', JSON.stringify({ status: 'running' }));
    const rec = recorder;
    const result = await withSession(deps, contact, signal, (session) =>
      session.exec(ex.command, {
        timeoutMs: ex.timeoutMs,
        signal,
        onOutput: (stream, chunk) => rec.write(stream, chunk),
      }),
    );
    outcome = exitOutcome(ex.hostName, result);
  } catch (error) {
    outcome =
      signal.reason instanceof ShutdownAbort
        ? {
            ...failureOutcome(
              FailureKind.lost,
              `the worker shut down while this ran: ${signal.reason.message}`,
            ),
            exitCode: null,
          }
        : { ...errorOutcome(error, secrets), exitCode: null };
    if (!(error instanceof ConnectorError))
      deps.log.error({ executionId: ex.id, err: outcome.failureMessage }, 'execution failed unexpectedly');
  }
  recorder ??= newRecorder(deps, ex, secrets);
  recorder.event(
    'status',
    JSON.stringify({
      status: outcome.status,
      exitCode: outcome.exitCode,
      failureKind: outcome.failureKind,
      message: outcome.failureMessage,
    }),
  );
  try {
    await recorder.close();
  } catch (error) {
    deps.log.error({ executionId: ex.id, err: String(error) }, 'could not store output');
  }
  await finishExecution(deps.db, ex.id, deps.workerId, {
    ...outcome,
    outputBytes: recorder.outputBytes,
    truncatedBytes: recorder.truncatedBytes,
  });
  await announce(deps, ex.runId, true);
}

function newRecorder(deps: EngineDeps, ex: ClaimedExecution, secrets: string[]): OutputRecorder {
  return new OutputRecorder(
    {
      write: async (batch) => {
        await appendEvents(
          deps.db,
          batch.map((e) => ({ executionId: ex.id, ...e })),
        );
        await notify(deps.db, Channel.run, { run: ex.runId, status: false });
      },
    },
    { firstSeq: ex.nextSeq, limitBytes: deps.outputLimitBytes, secrets },
  );
}

/** Recomputes the run's status and tells every server that something changed. */
async function announce(deps: EngineDeps, runId: string, statusChanged: boolean): Promise<void> {
  await refreshRunStatus(deps.db, runId);
  await notify(deps.db, Channel.run, { run: runId, status: statusChanged });
}
