/** The SFTP subsystem on an open connection: promise-returning file operations and their failures. */
import type { SFTPWrapper, Client as Ssh2Client, Stats } from 'ssh2';
import { ConnectorError, type ConnectTarget, FailureKind } from '../connector.ts';

/** SSH_FX_* status codes (draft-ietf-secsh-filexfer-02) that orca tells apart. */
export const SftpStatus = { eof: 1, noSuchFile: 2, permissionDenied: 3, failure: 4, unsupported: 8 } as const;

/** What ssh2 puts on the errors of SFTP requests. */
interface SftpError {
  readonly message: string;
  readonly code?: unknown;
}

export function sftpStatus(error: unknown): number | undefined {
  const code = (error as SftpError | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Largest data a single READ or WRITE request carries (ssh2 splits bigger ones into sequential requests). */
const FALLBACK_PACKET_DATA = 32 * 1024;

function limit(sftp: SFTPWrapper, field: '_maxWriteLen' | '_maxReadLen'): number {
  // Private in ssh2: 254 KiB for OpenSSH (or what its limits@openssh.com extension says), else 32 KiB.
  const value = (sftp as unknown as Record<string, unknown>)[field];
  return typeof value === 'number' && value > 0 ? value : FALLBACK_PACKET_DATA;
}

export class Sftp {
  constructor(private readonly sftp: SFTPWrapper) {}

  /** Opens the subsystem on a new channel of the connection. */
  static open(client: Ssh2Client): Promise<Sftp> {
    return new Promise((resolve, reject) => {
      try {
        client.sftp((error, sftp) => (error ? reject(error) : resolve(new Sftp(sftp))));
      } catch (error) {
        reject(error);
      }
    });
  }

  get maxWriteLength(): number {
    return limit(this.sftp, '_maxWriteLen');
  }

  get maxReadLength(): number {
    return limit(this.sftp, '_maxReadLen');
  }

  /** Called once when the channel closes (the server ended it, or the connection went). */
  onClose(listener: () => void): void {
    this.sftp.once('close', listener);
    // Errors reach the pending requests' callbacks; a stray one must not crash the worker.
    this.sftp.on('error', () => {});
  }

  end(): void {
    this.sftp.end();
  }

  /** Creates `path`, failing if it exists (O_CREAT | O_EXCL), with permissions `mode`. */
  createExclusive(path: string, mode: number): Promise<Buffer> {
    return this.call<Buffer>((cb) => this.sftp.open(path, 'wx', { mode }, cb));
  }

  openForReading(path: string): Promise<Buffer> {
    return this.call<Buffer>((cb) => this.sftp.open(path, 'r', cb));
  }

  write(handle: Buffer, data: Buffer, position: number): Promise<void> {
    return this.call<void>((cb) => this.sftp.write(handle, data, 0, data.length, position, (e) => cb(e)));
  }

  /** Reads up to `length` bytes at `position`; resolves with fewer only at the end of the file. */
  async read(handle: Buffer, position: number, length: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = await this.call<number>((cb) =>
        this.sftp.read(handle, buffer, got, length - got, position + got, (e, bytes) => cb(e, bytes)),
      );
      if (n === 0) break;
      got += n;
    }
    return buffer.subarray(0, got);
  }

  fstat(handle: Buffer): Promise<Stats> {
    return this.call<Stats>((cb) => this.sftp.fstat(handle, cb));
  }

  fchmod(handle: Buffer, mode: number): Promise<void> {
    return this.call<void>((cb) => this.sftp.fchmod(handle, mode, (e) => cb(e)));
  }

  close(handle: Buffer): Promise<void> {
    return this.call<void>((cb) => this.sftp.close(handle, (e) => cb(e)));
  }

  unlink(path: string): Promise<void> {
    return this.call<void>((cb) => this.sftp.unlink(path, (e) => cb(e)));
  }

  /**
   * Moves `from` over `to`: atomically with OpenSSH's posix-rename extension; otherwise plain
   * SFTP rename, which refuses an existing target, so the target is removed first.
   */
  async replace(from: string, to: string): Promise<void> {
    if (this.supports('posix-rename@openssh.com')) {
      return this.call<void>((cb) => this.sftp.ext_openssh_rename(from, to, (e) => cb(e)));
    }
    try {
      await this.call<void>((cb) => this.sftp.rename(from, to, (e) => cb(e)));
    } catch (error) {
      // SSH_FX_FAILURE is what an existing target gets; anything else must not cost the target.
      if (sftpStatus(error) !== SftpStatus.failure) throw error;
      await this.unlink(to).catch(() => {});
      await this.call<void>((cb) => this.sftp.rename(from, to, (e) => cb(e)));
    }
  }

  private supports(extension: string): boolean {
    const extensions = (this.sftp as unknown as { _extensions?: Record<string, string> })._extensions;
    return extensions?.[extension] === '1';
  }

  private call<T>(start: (cb: (error: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      try {
        start((error, value) => (error ? reject(error) : resolve(value as T)));
      } catch (error) {
        // ssh2 throws synchronously once the channel is closed.
        reject(error);
      }
    });
  }
}

/** A failed SFTP request as a ConnectorError that says what to check. */
export function sftpError(
  error: unknown,
  target: ConnectTarget,
  doing: string,
  path: string,
): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const status = sftpStatus(error);
  const message = (error as SftpError | null)?.message ?? String(error);
  const why =
    status === SftpStatus.permissionDenied
      ? `permission denied for ${path}; check that ${target.username} may write there`
      : status === SftpStatus.noSuchFile
        ? `${path} does not exist`
        : message;
  return new ConnectorError(FailureKind.protocol, `${target.name}: ${doing} failed: ${why}`);
}
