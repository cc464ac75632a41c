/**
 * Session.put over SFTP: the file goes to a temporary name beside the target with pipelined
 * writes, the host hashes what landed, and only a matching file is renamed over the target. A
 * failed, stopped or damaged copy removes the temporary file and leaves the target as it was.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { ConnectorError, FailureKind, type PutOptions, type PutResult } from '../connector.ts';
import { type Sftp, SftpStatus, sftpError, sftpStatus } from './sftp.ts';
import { bestEffort, hostSha256, type TransferContext, TransferControl } from './transfer.ts';
import { sftpPath, tempPathBeside } from './transfer-paths.ts';

/** Bytes written but not yet acknowledged: about one SSH channel window (OpenSSH's is 2 MiB). */
const IN_FLIGHT_BYTES = 4 * 1024 * 1024;
const DEFAULT_MODE = 0o644;

export async function sftpPut(
  ctx: TransferContext,
  localPath: string,
  remotePath: string,
  options: PutOptions,
): Promise<PutResult> {
  const { target } = ctx;
  const doing = `copying to ${remotePath} on ${target.name}`;
  if (options.signal?.aborted) {
    throw new ConnectorError(FailureKind.canceled, `${doing} was canceled before it started`);
  }
  const source = await openSource(localPath, target.name);
  const control = new TransferControl(options, ctx.closing);
  const temp = tempPathBeside(target.os, remotePath, randomBytes(6).toString('hex'));
  const tempOnHost = sftpPath(target.os, temp);
  let sftp: Sftp | null = null;
  let handle: Buffer | null = null;
  try {
    sftp = await control.step(ctx.sftp());
    handle = await control.step(sftp.createExclusive(tempOnHost, source.mode)).catch((error: unknown) => {
      throw control.isStopped ? error : createFailure(error, ctx, remotePath, temp);
    });
    // Sent now, answered in order with the writes: the mode is exact, whatever the host's umask.
    const chmod = sftp.fchmod(handle, source.mode);
    chmod.catch(() => {});
    const written = await control.step(writeAll(sftp, handle, source.file, control, options.onProgress));
    await control.step(chmod).catch((error: unknown) => {
      // OpenSSH for Windows has no POSIX modes to set.
      if (control.isStopped || target.os !== 'windows') throw error;
    });
    const closing = handle;
    handle = null;
    await control.step(sftp.close(closing));
    const onHost = await hostSha256(ctx, temp, control);
    if (onHost !== written.sha256) {
      throw new ConnectorError(
        FailureKind.protocol,
        `${target.name}: ${remotePath} arrived damaged (sha256 on the host ${onHost}, sent ${written.sha256}); ` +
          'the target was left as it was',
      );
    }
    await control.step(sftp.replace(tempOnHost, sftpPath(target.os, remotePath)));
    return { bytes: written.bytes, sha256: written.sha256 };
  } catch (error) {
    let removed = false;
    if (sftp) {
      const open = handle;
      const channel = sftp;
      // Requests are served in order: the close and the unlink come after the writes in flight.
      if (open) void bestEffort(() => channel.close(open));
      removed = await bestEffort(() =>
        channel.unlink(tempOnHost).catch((e: unknown) => {
          if (sftpStatus(e) !== SftpStatus.noSuchFile) throw e;
        }),
      );
    }
    const leftover = control.isStopped
      ? removed
        ? 'the partial file was removed'
        : `${temp} may be left behind`
      : '';
    throw control.failure(sftpError(error, target, doing, remotePath), doing, leftover);
  } finally {
    control.dispose();
    await source.file.close().catch(() => {});
  }
}

interface Source {
  readonly file: FileHandle;
  /** Permission bits to give the copy. */
  readonly mode: number;
}

async function openSource(localPath: string, host: string): Promise<Source> {
  let file: FileHandle | null = null;
  try {
    file = await open(localPath, 'r');
    const info = await file.stat();
    if (!info.isFile()) throw new Error('not a regular file');
    return { file, mode: info.mode & 0o777 || DEFAULT_MODE };
  } catch (error) {
    await file?.close().catch(() => {});
    throw new ConnectorError(
      FailureKind.protocol,
      `cannot read ${localPath} to copy it to ${host}: ${(error as Error).message}`,
    );
  }
}

/** Why the temporary file could not be created: most often the target's directory is missing. */
function createFailure(
  error: unknown,
  ctx: TransferContext,
  remotePath: string,
  temp: string,
): ConnectorError {
  const { target } = ctx;
  if (sftpStatus(error) === SftpStatus.noSuchFile) {
    const dir = temp.slice(0, Math.max(temp.lastIndexOf('/'), temp.lastIndexOf('\\'))) || '.';
    return new ConnectorError(
      FailureKind.protocol,
      `${target.name}: cannot copy to ${remotePath}: the directory ${dir} does not exist on the host; create it first`,
    );
  }
  return sftpError(error, target, `creating a temporary file beside ${remotePath}`, remotePath);
}

/**
 * Reads the local file in chunks of the largest write the server takes and keeps up to
 * IN_FLIGHT_BYTES of writes outstanding, so a copy costs bandwidth, not one round trip per chunk.
 */
async function writeAll(
  sftp: Sftp,
  handle: Buffer,
  file: FileHandle,
  control: TransferControl,
  onProgress: ((bytes: number) => void) | undefined,
): Promise<{ bytes: number; sha256: string }> {
  const chunkSize = sftp.maxWriteLength;
  const hash = createHash('sha256');
  const inFlight: Array<{ readonly done: Promise<void>; readonly bytes: number }> = [];
  let outstanding = 0;
  let offset = 0;
  let confirmed = 0;
  const settleOldest = async () => {
    const oldest = inFlight.shift();
    if (!oldest) return;
    await oldest.done;
    outstanding -= oldest.bytes;
    confirmed += oldest.bytes;
    if (!control.isStopped) onProgress?.(confirmed);
  };
  for (;;) {
    if (control.isStopped) throw new Error('stopped');
    const buffer = Buffer.allocUnsafe(chunkSize);
    const { bytesRead } = await file.read(buffer, 0, chunkSize, offset);
    if (bytesRead === 0) break;
    const data = buffer.subarray(0, bytesRead);
    hash.update(data);
    while (inFlight.length > 0 && outstanding + bytesRead > IN_FLIGHT_BYTES) await settleOldest();
    if (control.isStopped) throw new Error('stopped');
    const done = sftp.write(handle, data, offset);
    // Writes left behind by a failure settle on their own.
    done.catch(() => {});
    inFlight.push({ done, bytes: bytesRead });
    outstanding += bytesRead;
    offset += bytesRead;
  }
  while (inFlight.length > 0) await settleOldest();
  return { bytes: offset, sha256: hash.digest('hex') };
}
