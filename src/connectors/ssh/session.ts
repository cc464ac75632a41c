/** An open SSH connection: runs commands on multiplexed channels until closed or lost. */
import type net from 'node:net';
import {
  ConnectorError,
  type ConnectTarget,
  type ExecOptions,
  type ExecResult,
  FailureKind,
  type HostKey,
  type Session,
} from '../connector.ts';
import type { Connection } from './connect.ts';
import { connectionLost, type TransportError } from './errors.ts';
import { type CommandContext, RemoteCommand } from './exec.ts';

/** How long close() waits for the server to acknowledge the disconnect before dropping the socket. */
const CLOSE_GRACE_MS = 2000;

export class SshSession implements Session {
  readonly hostKey: HostKey;
  /** The TCP socket under the connection (TCP_NODELAY is set on it); for diagnostics. */
  readonly socket: net.Socket;
  private ended: { readonly cause: TransportError | null } | undefined;
  private lastError: TransportError | null = null;
  private closing: Promise<void> | null = null;
  private readonly closed: Promise<void>;
  private readonly running = new Set<RemoteCommand>();
  private readonly context: CommandContext;

  constructor(
    private readonly connection: Connection,
    private readonly target: ConnectTarget,
    killTimeoutMs: number,
  ) {
    this.hostKey = connection.hostKey;
    this.socket = connection.socket;
    const { client } = connection;
    client.on('error', (error: TransportError) => {
      this.lastError ??= error;
    });
    this.closed = new Promise((resolve) => {
      client.once('close', () => {
        this.ended ??= { cause: this.lastError };
        resolve();
      });
    });
    this.context = { client, target, killTimeoutMs, ended: () => this.ended };
  }

  get alive(): boolean {
    return !this.ended && !this.closing && !this.connection.socket.destroyed;
  }

  async exec(command: string, options: ExecOptions): Promise<ExecResult> {
    if (this.closing) {
      throw new ConnectorError(
        FailureKind.protocol,
        `the session to ${this.target.name} is closed; open a new one`,
      );
    }
    if (this.ended) throw connectionLost(this.target, this.ended.cause);
    const run = new RemoteCommand(this.context, command, options);
    this.running.add(run);
    try {
      return await run.result;
    } finally {
      this.running.delete(run);
    }
  }

  /** Kills commands still running, then ends the connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await Promise.all([...this.running].map((run) => run.stop({ kind: 'closed' })));
    if (!this.ended) {
      this.connection.client.end();
      const grace = setTimeout(() => this.connection.socket.destroy(), CLOSE_GRACE_MS);
      await this.closed;
      clearTimeout(grace);
    }
  }
}
