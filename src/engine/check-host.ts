/**
 * "Test connection" and the periodic health check: connect, authenticate, verify the host key,
 * run `true`, then gather the host's facts. The result is the host's health.
 */
import { FailureKind } from '../connectors/connector.ts';
import { Channel, notify } from '../db/events.ts';
import { finishHostCheck, getHostCheck } from '../db/host-checks.ts';
import { contactSecrets, loadContact, openSession } from './contact.ts';
import type { EngineDeps } from './deps.ts';
import { gatherFacts } from './facts.ts';
import { errorOutcome } from './outcome.ts';

export async function runHostCheck(deps: EngineDeps, checkId: string): Promise<void> {
  const check = await getHostCheck(deps.db, checkId);
  if (!check || check.done) return;
  let secrets: string[] = [];
  let result: { ok: boolean; failureKind: FailureKind | null; message: string; latencyMs: number | null };
  const started = performance.now();
  try {
    const contact = await loadContact(deps, check.hostId, check.hostId);
    secrets = contactSecrets(contact);
    // A fresh connection, never a pooled one: the point is to test connecting.
    const session = await openSession(deps, contact, undefined, { facts: false });
    const latencyMs = Math.round(performance.now() - started);
    try {
      // `exit 0` means success to sh, PowerShell and cmd alike.
      const r = await session.exec(contact.target.os === 'windows' ? 'exit 0' : 'true', {
        timeoutMs: deps.connectTimeoutMs,
        onOutput: () => {},
      });
      result =
        r.exitCode === 0
          ? {
              ok: true,
              failureKind: null,
              message: `connected as ${contact.target.username} in ${latencyMs} ms`,
              latencyMs,
            }
          : {
              ok: false,
              failureKind: FailureKind.protocol,
              message: `connected, but running a command failed (exit ${r.exitCode}); the account may lack a shell`,
              latencyMs,
            };
      if (result.ok) await gatherFacts(deps, session, contact.target);
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
