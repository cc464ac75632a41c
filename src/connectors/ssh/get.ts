/**
 * Session.get over SFTP: pipelined reads delivered in order (the consumer's back-pressure holds
 * the next reads), then the host hashes the file and the hash must equal that of what was delivered.
 */
import { createHash } from 'node:crypto';
import { ConnectorError, FailureKind, type GetOptions, type GetResult } from '../connector.ts';
import { type Sftp, SftpStatus, sftpError, sftpStatus } from './sftp.ts';
import { bestEffort, hostSha256, type TransferContext, TransferControl } from './transfer.ts';
import { sftpPath } from './transfer-paths.ts';

/** Bytes requested ahead of the consumer: about one SSH channel window. */
const READ_AHEAD_BYTES = 2 * 1024 * 1024;

export async function sftpGet(
  ctx: TransferContext,
  remotePath: string,
  options: GetOptions,
): Promise<GetResult> {
  const { target } = ctx;
  const doing = `copying ${remotePath} from ${target.name}`;
  if (options.signal?.aborted) {
    throw new ConnectorError(FailureKind.canceled, `${doing} was canceled before it started`);
  }
  const control = new TransferControl(options, ctx.closing);
  let sftp: Sftp | null = null;
  let handle: Buffer | null = null;
  try {
    sftp = await control.step(ctx.sftp());
    handle = await control
      .step(sftp.openForReading(sftpPath(target.os, remotePath)))
      .catch((error: unknown) => {
        if (!control.isStopped && sftpStatus(error) === SftpStatus.noSuchFile) {
          throw new ConnectorError(FailureKind.protocol, `no such file on ${target.name}: ${remotePath}`);
        }
        throw error;
      });
    const info = await control.step(sftp.fstat(handle));
    if (!info.isFile()) {
      throw new ConnectorError(FailureKind.protocol, `${remotePath} on ${target.name} is not a regular file`);
    }
    const tooLarge = (size: string) =>
      new ConnectorError(
        FailureKind.protocol,
        `${remotePath} on ${target.name} is larger than the limit of ${options.maxBytes} bytes (${size})`,
      );
    if (options.maxBytes !== undefined && info.size > options.maxBytes) throw tooLarge(`${info.size} bytes`);
    const read = await control.step(readAll(sftp, handle, control, options, tooLarge));
    const closing = handle;
    handle = null;
    await control.step(sftp.close(closing));
    const onHost = await hostSha256(ctx, remotePath, control);
    if (onHost !== read.sha256) {
      throw new ConnectorError(
        FailureKind.protocol,
        `${target.name}: ${remotePath} changed while it was read, or arrived damaged ` +
          `(sha256 on the host ${onHost}, received ${read.sha256}); discard what was received and try again`,
      );
    }
    return read;
  } catch (error) {
    const open = handle;
    const channel = sftp;
    if (open && channel) void bestEffort(() => channel.close(open));
    throw control.failure(sftpError(error, target, doing, remotePath), doing, '');
  } finally {
    control.dispose();
  }
}

/** Reads until the end of the file, keeping READ_AHEAD_BYTES requested ahead of delivery. */
async function readAll(
  sftp: Sftp,
  handle: Buffer,
  control: TransferControl,
  options: GetOptions,
  tooLarge: (size: string) => Error,
): Promise<GetResult> {
  const chunkSize = sftp.maxReadLength;
  const depth = Math.max(1, Math.floor(READ_AHEAD_BYTES / chunkSize));
  const hash = createHash('sha256');
  const ahead: Array<Promise<Buffer>> = [];
  let requested = 0;
  let bytes = 0;
  const request = () => {
    const data = sftp.read(handle, requested, chunkSize);
    // Reads past the end, or left behind by a failure, settle on their own.
    data.catch(() => {});
    ahead.push(data);
    requested += chunkSize;
  };
  while (ahead.length < depth) request();
  for (;;) {
    const data = await (ahead.shift() as Promise<Buffer>);
    if (control.isStopped) throw new Error('stopped');
    if (data.length > 0) {
      bytes += data.length;
      if (options.maxBytes !== undefined && bytes > options.maxBytes)
        throw tooLarge('it grew while it was read');
      hash.update(data);
      await options.onData(data);
    }
    // A short read is the end of the file (Sftp.read reads on until the chunk is full).
    if (data.length < chunkSize) break;
    request();
  }
  return { bytes, sha256: hash.digest('hex') };
}
