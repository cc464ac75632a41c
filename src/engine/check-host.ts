/** "Test connection": connect, authenticate, verify the host key and run `true`. */
import { ConnectorError, FailureKind } from '../connectors/connector.ts';
import { Channel, notify } from '../db/events.ts';
import { finishHostCheck, getHostCheck } from '../db/host-checks.ts';
import { getConnectInfo, recordHostKey, setPendingHostKey } from '../db/hosts.ts';
import { openSecret, secretValues } from '../security/credentials.ts';
import type { EngineDeps } from './deps.ts';
import { errorOutcome } from './outcome.ts';

export async function runHostCheck(deps: EngineDeps, checkId: string): Promise<void> {
  const check = await getHostCheck(deps.db, checkId);
  if (!check || check.done) return;
  let secrets: string[] = [];
  let result: { ok: boolean; failureKind: FailureKind | null; message: string; latencyMs: number | null };
  const started = performance.now();
  try {
    const info = await getConnectInfo(deps.db, check.hostId);
    if (!info) throw new ConnectorError(FailureKind.protocol, 'the host was deleted');
    if (!info.credential_id || !info.secret || !info.key_id || !info.credential_kind) {
      throw new ConnectorError(FailureKind.auth, `host ${info.name} has no credential; assign one first`);
    }
    const secret = openSecret(deps.vault, info.credential_id, info.credential_kind, {
      keyId: info.key_id,
      data: info.secret,
    });
    secrets = secretValues(secret);
    const known =
      info.host_key_algorithm && info.host_key_fingerprint
        ? { algorithm: info.host_key_algorithm, fingerprint: info.host_key_fingerprint }
        : null;
    // A fresh connection, never a pooled one: the point is to test connecting.
    const session = await deps.ssh
      .open(
        {
          hostId: info.id,
          name: info.name,
          address: info.address,
          port: info.port,
          username: info.username,
          knownHostKey: known,
        },
        secret,
        { connectTimeoutMs: deps.connectTimeoutMs },
      )
      .catch(async (error: unknown) => {
        if (error instanceof ConnectorError && error.kind === FailureKind.hostKey) {
          const { presentedAlgorithm, presentedFingerprint } = error.details;
          if (presentedAlgorithm && presentedFingerprint) {
            await setPendingHostKey(deps.db, info.id, {
              algorithm: presentedAlgorithm,
              fingerprint: presentedFingerprint,
            });
          }
        }
        throw error;
      });
    const latencyMs = Math.round(performance.now() - started);
    try {
      if (!known && session.hostKey) await recordHostKey(deps.db, info.id, session.hostKey);
      const r = await session.exec('true', { timeoutMs: deps.connectTimeoutMs, onOutput: () => {} });
      result =
        r.exitCode === 0
          ? {
              ok: true,
              failureKind: null,
              message: `connected as ${info.username} in ${latencyMs} ms`,
              latencyMs,
            }
          : {
              ok: false,
              failureKind: FailureKind.protocol,
              message: `connected, but running a command failed (exit ${r.exitCode}); the account may lack a shell`,
              latencyMs,
            };
    } finally {
      await session.close();
    }
  } catch (error) {
    const o = errorOutcome(error, secrets);
    result = {
      ok: false,
      failureKind: o.failureKind,
      message: o.failureMessage ?? 'failed',
      latencyMs: null,
    };
  }
  await finishHostCheck(deps.db, checkId, result);
  await notify(deps.db, Channel.hostCheck, { id: checkId });
}
