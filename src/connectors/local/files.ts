/**
 * `put` and `get` on the worker's own filesystem, with the same guarantees as on a host: a put
 * writes a temporary file beside the target and renames it only once its SHA-256 matches the
 * source's; a get re-reads the file after streaming it and fails if it changed meanwhile.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ConnectorError, FailureKind, type PutOptions, type PutResult } from '../connector.ts';
import { formatDuration } from './duration.ts';

/**
 * Options of `Session.get`, declared here as connector.ts has them (structurally identical), so
 * this module does not depend on when that declaration lands.
 */
export interface LocalGetOptions {
  /** Abort the copy and fail with `timeout` after this long. */
  readonly timeoutMs?: number | undefined;
  /** Aborting stops the copy and fails with `canceled`. */
  readonly signal?: AbortSignal | undefined;
  /** Receives the file's bytes in order; a returned promise applies back-pressure. */
  readonly onData: (chunk: Buffer) => void | Promise<void>;
  /** Fail (kind `protocol`, message naming the limit) when the file is larger. */
  readonly maxBytes?: number | undefined;
}

export interface LocalGetResult {
  readonly bytes: number;
  /** Hex SHA-256 of the bytes delivered, equal to that of the file as re-read afterwards. */
  readonly sha256: string;
}

export async function putLocal(
  localPath: string,
  remotePath: string,
  o: PutOptions = {},
): Promise<PutResult> {
  const limit = deadline(`the copy of ${localPath} to ${remotePath}`, o.signal, o.timeoutMs);
  const dir = dirname(remotePath);
  const temp = join(dir, `.${basename(remotePath)}.orca-${randomBytes(6).toString('hex')}.part`);
  let file: FileHandle | null = null;
  let placed = false;
  try {
    limit.check();
    const source = await stat(localPath).catch(() => null);
    if (!source?.isFile()) throw protocol(`there is no file ${localPath} to copy on the worker`);
    const target = await stat(dir).catch(() => null);
    if (!target?.isDirectory()) throw protocol(`the directory ${dir} does not exist on the worker`);
    if ((await stat(remotePath).catch(() => null))?.isDirectory()) {
      throw protocol(`${remotePath} is a directory on the worker; name the file to write`);
    }
    file = await open(temp, 'wx', source.mode & 0o777);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(localPath, { signal: limit.signal })) {
      const b = chunk as Buffer;
      for (let at = 0; at < b.length; ) at += (await file.write(b, at)).bytesWritten;
      hash.update(b);
      bytes += b.length;
      o.onProgress?.(bytes);
      limit.check();
    }
    await file.datasync();
    await file.close();
    file = null;
    const want = hash.digest('hex');
    const got = await sha256File(temp, limit.signal);
    if (got !== want) throw protocol(`the copy of ${localPath} at ${remotePath} differs from it; try again`);
    limit.check();
    await rename(temp, remotePath);
    placed = true;
    return { bytes, sha256: got };
  } catch (e) {
    throw limit.failure(e) ?? fsFailure(e, `could not copy ${localPath} to ${remotePath} on the worker`);
  } finally {
    limit.dispose();
    await file?.close().catch(() => {});
    if (!placed) await rm(temp, { force: true });
  }
}

export async function getLocal(remotePath: string, o: LocalGetOptions): Promise<LocalGetResult> {
  const limit = deadline(`the download of ${remotePath}`, o.signal, o.timeoutMs);
  try {
    limit.check();
    const info = await stat(remotePath).catch(() => null);
    if (!info?.isFile()) throw protocol(`there is no file ${remotePath} on the worker`);
    if (o.maxBytes !== undefined && info.size > o.maxBytes) throw tooLarge(remotePath, info.size, o.maxBytes);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(remotePath, { signal: limit.signal })) {
      const b = chunk as Buffer;
      bytes += b.length;
      if (o.maxBytes !== undefined && bytes > o.maxBytes) throw tooLarge(remotePath, bytes, o.maxBytes);
      hash.update(b);
      try {
        await o.onData(b);
      } catch (e) {
        if (e instanceof ConnectorError) throw e;
        throw protocol(`could not take the bytes of ${remotePath}: ${e instanceof Error ? e.message : e}`);
      }
      limit.check();
    }
    const sha256 = hash.digest('hex');
    if ((await sha256File(remotePath, limit.signal)) !== sha256) {
      throw protocol(`${remotePath} changed on the worker while it was read; try again once it is complete`);
    }
    return { bytes, sha256 };
  } catch (e) {
    throw limit.failure(e) ?? fsFailure(e, `could not read ${remotePath} on the worker`);
  } finally {
    limit.dispose();
  }
}

async function sha256File(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { signal }), hash);
  return hash.digest('hex');
}

interface Deadline {
  readonly signal: AbortSignal;
  /** Throws the `timeout` or `canceled` failure once the copy must stop. */
  check(): void;
  /** The failure to report for `e`: the stop's, when stopped, else `e` itself if it is one. */
  failure(e: unknown): ConnectorError | null;
  dispose(): void;
}

/** One signal for "the caller aborted" and "the time is up", remembering which. */
function deadline(what: string, signal: AbortSignal | undefined, timeoutMs: number | undefined): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort();
  if (signal?.aborted) controller.abort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs === undefined
      ? null
      : setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs);
  const stopped = () =>
    timedOut
      ? new ConnectorError(
          FailureKind.timeout,
          `${what} took longer than ${formatDuration(timeoutMs ?? 0)} and was stopped`,
        )
      : new ConnectorError(FailureKind.canceled, `${what} was canceled`);
  return {
    signal: controller.signal,
    check() {
      if (controller.signal.aborted) throw stopped();
    },
    failure(e) {
      if (controller.signal.aborted) return stopped();
      return e instanceof ConnectorError ? e : null;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

function protocol(message: string): ConnectorError {
  return new ConnectorError(FailureKind.protocol, message);
}

function tooLarge(path: string, bytes: number, limit: number): ConnectorError {
  return protocol(`${path} is over the ${limit}-byte limit (at least ${bytes} bytes)`);
}

/** A filesystem error, by its code (ENOSPC, EACCES …), never by its message text. */
function fsFailure(e: unknown, what: string): ConnectorError {
  const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : null;
  return protocol(code ? `${what}: ${code}` : `${what}: ${e instanceof Error ? e.message : String(e)}`);
}
