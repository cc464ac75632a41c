/**
 * The SSH connector: ssh2 over a TCP_NODELAY socket, host keys verified against the recorded
 * one, commands killed for real on timeout and cancel.
 */
import type { Connector, ConnectTarget, OpenOptions, Secret, Session } from '../connector.ts';
import { connectThrough } from './jump.ts';
import { SshSession } from './session.ts';

export { SshSession } from './session.ts';

export interface SshConnectorOptions {
  /** SSH keepalive interval (default 15 s); a peer silent for interval × countMax is dropped. */
  readonly keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection is declared dead (default 3). */
  readonly keepaliveCountMax?: number;
  /** Bound on each step of killing a timed-out or canceled command (default 5 s). */
  readonly killTimeoutMs?: number;
}

export function createSshConnector(options: SshConnectorOptions = {}): Connector {
  const settings = {
    keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
    keepaliveCountMax: options.keepaliveCountMax ?? 3,
  };
  const killTimeoutMs = options.killTimeoutMs ?? 5_000;
  return {
    async open(target: ConnectTarget, secret: Secret, openOptions: OpenOptions): Promise<Session> {
      const connection = await connectThrough(target, secret, openOptions, settings);
      return new SshSession(connection, target, killTimeoutMs);
    },
  };
}

/** The connector with default settings. */
export const sshConnector: Connector = createSshConnector();
