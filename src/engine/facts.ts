/** Fact gathering on an open session: one command, parsed; a failure leaves the facts as they were. */
import type { ConnectTarget, Session } from '../connectors/connector.ts';
import { powershellCommandLine } from '../connectors/windows/powershell.ts';
import { recordFacts } from '../db/host-checks.ts';
import {
  type HostFacts,
  POSIX_FACTS_COMMAND,
  parseFacts,
  WINDOWS_FACTS_SCRIPT,
} from '../domain/host-facts.ts';
import type { EngineDeps } from './deps.ts';

/** What to run on a host to learn its facts, in the shell its commands run in. */
export function factsCommand(target: Pick<ConnectTarget, 'os' | 'shell'>): string {
  if (target.os !== 'windows') return POSIX_FACTS_COMMAND;
  return target.shell === 'cmd' ? powershellCommandLine(WINDOWS_FACTS_SCRIPT) : WINDOWS_FACTS_SCRIPT;
}

/** Asks the host for its facts and stores them; null (and a debug line) when it could not. */
export async function gatherFacts(
  deps: EngineDeps,
  session: Session,
  target: ConnectTarget,
  signal?: AbortSignal,
): Promise<HostFacts | null> {
  const chunks: Buffer[] = [];
  try {
    const r = await session.exec(factsCommand(target), {
      timeoutMs: deps.connectTimeoutMs,
      signal,
      onOutput: (stream, chunk) => {
        if (stream === 'stdout') chunks.push(chunk);
      },
    });
    const facts = r.exitCode === 0 ? parseFacts(target.os, Buffer.concat(chunks).toString('utf8')) : null;
    if (facts) await recordFacts(deps.db, target.hostId, facts);
    else deps.log.debug({ host: target.name, exitCode: r.exitCode }, 'facts: unexpected answer');
    return facts;
  } catch (error) {
    deps.log.debug(
      { host: target.name, err: error instanceof Error ? error.message : String(error) },
      'facts failed',
    );
    return null;
  }
}
