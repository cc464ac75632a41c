/** An open SSH connection: runs commands and SFTP transfers on multiplexed channels until closed or lost. */
import type net from 'node:net';
import {
  ConnectorError,
  type ConnectTarget,
  type ExecOptions,
  type ExecResult,
  FailureKind,
  type GetOptions,
  type GetResult,
  type HostKey,
  type PutOptions,
  type PutResult,
  type Session,
} from '../connector.ts';
import type { Connection } from './connect.ts';
import { connectionLost, type TransportError } from './errors.ts';
import { type CommandContext, RemoteCommand } from './exec.ts';
import { sftpGet } from './get.ts';
import { sftpPut } from './put.ts';
import { Sftp } from './sftp.ts';
import type { TransferContext } from './transfer.ts';

/** How long close() waits for the server to acknowledge the disconnect before dropping the socket. */
const CLOSE_GRACE_MS = 2000;

export class SshSession implements Session {
  readonly hostKey: HostKey;
  readonly hopHostKeys: readonly { readonly hostId: string; readonly hostKey: HostKey }[];
  /** The worker's TCP socket (to the host or its first bastion; TCP_NODELAY is set); for diagnostics. */
  readonly socket: net.Socket;
  private ended: { readonly cause: TransportError | null } | undefined;
  private lastError: TransportError | null = null;
  private closing: Promise<void> | null = null;
  private readonly closed: Promise<void>;
  private readonly running = new Set<RemoteCommand>();
  private readonly context: CommandContext;
  /** One SFTP channel shared by the session's transfers (requests are multiplexed on it). */
  private sftpChannel: Promise<Sftp> | null = null;
  private readonly transfers = new Set<Promise<unknown>>();
  private readonly closingTransfers = new AbortController();
  private readonly transferContext: TransferContext;

  constructor(
    private readonly connection: Connection,
    private readonly target: ConnectTarget,
    killTimeoutMs: number,
  ) {
    this.hostKey = connection.hostKey;
    this.hopHostKeys = connection.hops;
    this.socket = connection.tcp;
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
    this.transferContext = {
      target,
      sftp: () => this.sftp(),
      exec: (command, options) => this.exec(command, options),
      closing: this.closingTransfers.signal,
    };
  }

  get alive(): boolean {
    return (
      !this.ended && !this.closing && !this.connection.socket.destroyed && !this.connection.tcp.destroyed
    );
  }

  async exec(command: string, options: ExecOptions): Promise<ExecResult> {
    this.assertOpen();
    const run = new RemoteCommand(this.context, command, options);
    this.running.add(run);
    try {
      return await run.result;
    } finally {
      this.running.delete(run);
    }
  }

  /** Copies a local file to the host with SFTP, verified by the host's SHA-256 (put.ts). */
  put(localPath: string, remotePath: string, options: PutOptions = {}): Promise<PutResult> {
    return this.transfer(() => sftpPut(this.transferContext, localPath, remotePath, options));
  }

  /** Streams a file from the host with SFTP, verified by the host's SHA-256 (get.ts). */
  get(remotePath: string, options: GetOptions): Promise<GetResult> {
    return this.transfer(() => sftpGet(this.transferContext, remotePath, options));
  }

  private async transfer<T>(run: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const running = run();
    this.transfers.add(running);
    try {
      return await running;
    } catch (error) {
      const stopped =
        error instanceof ConnectorError && (error.kind === 'canceled' || error.kind === 'timeout');
      if (!this.ended || stopped) throw error;
      // What SFTP reports then ("No response from server") says less than why the connection ended.
      const { kind } = connectionLost(this.target, this.ended.cause);
      throw new ConnectorError(kind, `${this.target.name}: the connection was lost during a file transfer`);
    } finally {
      this.transfers.delete(running);
    }
  }

  private sftp(): Promise<Sftp> {
    this.assertOpen();
    if (!this.sftpChannel) {
      const opening = Sftp.open(this.connection.client).then(
        (sftp) => {
          sftp.onClose(() => {
            if (this.sftpChannel === opening) this.sftpChannel = null;
          });
          return sftp;
        },
        (error: unknown) => {
          if (this.sftpChannel === opening) this.sftpChannel = null;
          throw this.sftpOpenFailure(error);
        },
      );
      this.sftpChannel = opening;
    }
    return this.sftpChannel;
  }

  private sftpOpenFailure(error: unknown): ConnectorError {
    if (this.ended) return connectionLost(this.target, this.ended.cause);
    return new ConnectorError(
      FailureKind.protocol,
      `${this.target.name} refused the SFTP subsystem (${(error as Error).message}); ` +
        'enable it in sshd_config (Subsystem sftp) to copy files',
    );
  }

  private assertOpen(): void {
    if (this.closing) {
      throw new ConnectorError(
        FailureKind.protocol,
        `the session to ${this.target.name} is closed; open a new one`,
      );
    }
    if (this.ended) throw connectionLost(this.target, this.ended.cause);
  }

  /** Kills commands still running and stops transfers, then ends the connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Stopped transfers remove their temporary files before the connection goes.
    this.closingTransfers.abort();
    await Promise.all([...this.transfers].map((t) => t.catch(() => {})));
    await Promise.all([...this.running].map((run) => run.stop({ kind: 'closed' })));
    await this.sftpChannel?.then((sftp) => sftp.end()).catch(() => {});
    if (!this.ended) {
      this.connection.client.end();
      const grace = setTimeout(() => this.connection.socket.destroy(), CLOSE_GRACE_MS);
      await this.closed;
      clearTimeout(grace);
    }
  }
}
