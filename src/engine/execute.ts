/** One execution: claim it, contact the host, stream the output, record the outcome. */
import {
  ConnectorError,
  type ConnectTarget,
  FailureKind,
  type Secret,
  type Session,
} from '../connectors/connector.ts';
import { appendEvents, Channel, notify } from '../db/events.ts';
import {
  type ClaimedExecution,
  claimExecution,
  type ExecutionOutcome,
  finishExecution,
} from '../db/executions.ts';
import { getConnectInfo, recordHostKey, setPendingHostKey } from '../db/hosts.ts';
import { refreshRunStatus } from '../db/runs.ts';
import { openSecret, secretValues } from '../security/credentials.ts';
import { ShutdownAbort } from './cancel.ts';
import type { EngineDeps } from './deps.ts';
import { errorOutcome, exitOutcome, failureOutcome } from './outcome.ts';
import { OutputRecorder } from './output.ts';

interface Contact {
  readonly target: ConnectTarget;
  readonly secret: Secret;
  /** Changes whenever anything that makes a session reusable changes. */
  readonly poolKey: string;
}

async function loadContact(deps: EngineDeps, hostId: string | null, hostName: string): Promise<Contact> {
  const info = hostId ? await getConnectInfo(deps.db, hostId) : undefined;
  if (!info)
    throw new ConnectorError(FailureKind.protocol, `host ${hostName} was deleted before it could run`);
  if (!info.credential_id || !info.secret || !info.key_id || !info.credential_kind) {
    throw new ConnectorError(
      FailureKind.auth,
      `host ${hostName} has no credential; assign one in Hosts → ${hostName}`,
    );
  }
  const secret = openSecret(deps.vault, info.credential_id, info.credential_kind, {
    keyId: info.key_id,
    data: info.secret,
  });
  const knownHostKey =
    info.host_key_algorithm && info.host_key_fingerprint
      ? { algorithm: info.host_key_algorithm, fingerprint: info.host_key_fingerprint }
      : null;
  return {
    target: {
      hostId: info.id,
      name: info.name,
      address: info.address,
      port: info.port,
      username: info.username,
      knownHostKey,
    },
    secret,
    poolKey: [
      info.id,
      info.address,
      info.port,
      info.username,
      info.credential_id,
      info.credential_updated_at?.getTime(),
      info.host_key_fingerprint,
    ].join('|'),
  };
}

/** Opens (or reuses) a session and records the host key on first contact. */
export async function withSession<T>(
  deps: EngineDeps,
  contact: Contact,
  signal: AbortSignal,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  const open = async () => {
    const session = await deps.ssh.open(contact.target, contact.secret, {
      connectTimeoutMs: deps.connectTimeoutMs,
      signal,
    });
    if (!contact.target.knownHostKey && session.hostKey) {
      await recordHostKey(deps.db, contact.target.hostId, session.hostKey);
    }
    return session;
  };
  try {
    return await deps.pool.use(contact.poolKey, open, fn);
  } catch (error) {
    if (error instanceof ConnectorError && error.kind === FailureKind.hostKey) {
      const { presentedAlgorithm, presentedFingerprint } = error.details;
      if (presentedAlgorithm && presentedFingerprint) {
        await setPendingHostKey(deps.db, contact.target.hostId, {
          algorithm: presentedAlgorithm,
          fingerprint: presentedFingerprint,
        });
      }
    }
    throw error;
  }
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
