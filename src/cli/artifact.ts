/** Choosing one of a run's artifacts and saving its bytes to a file, checked against its sha256. */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Artifact } from '../http/schemas.ts';
import { CliError, usageError } from './io.ts';

/** By id, else by name (on `host`, when several hosts brought back a file of that name). */
export function pickArtifact(artifacts: readonly Artifact[], key: string, host?: string): Artifact {
  const byId = artifacts.find((a) => a.id === key);
  if (byId) return byId;
  const named = artifacts.filter((a) => a.name === key && (host === undefined || a.hostName === host));
  if (named.length === 1 && named[0]) return named[0];
  if (named.length > 1) {
    throw usageError(
      `${key} was brought back from ${named.length} hosts (${named.map((a) => a.hostName).join(', ')}); choose one with --host, or give the artifact's id`,
    );
  }
  const names = [...new Set(artifacts.map((a) => a.name))];
  throw usageError(
    artifacts.length === 0
      ? 'this run has no artifacts'
      : `no artifact ${key}${host === undefined ? '' : ` from ${host}`}; the run has: ${names.join(', ')}`,
  );
}

/** The file name an artifact is saved under by default: its name without any directory. */
export function defaultFileName(a: Artifact): string {
  const name = basename(a.name.replace(/\\/g, '/'));
  return name && name !== '.' && name !== '..' ? name : `artifact-${a.id}`;
}

/**
 * Streams `body` to `path` through a temporary file, renamed into place only once all of it
 * arrived and its sha256 matches `sha256` (when the server sent one). Returns the digest.
 */
export async function saveStream(
  body: ReadableStream<Uint8Array>,
  path: string,
  sha256: string | null,
  overwrite: boolean,
): Promise<string> {
  if (!overwrite && (await stat(path).catch(() => null))) {
    throw usageError(`${path} exists; choose another file with -o, or pass --force to replace it`);
  }
  const part = `${path}.orca-part`;
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(body as NodeReadableStream<Uint8Array>),
      tap,
      createWriteStream(part),
    ).catch((error: unknown) => {
      const why =
        (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
      throw new CliError(`could not save ${path}: ${why}`);
    });
    const digest = hash.digest('hex');
    if (sha256 && digest !== sha256) {
      throw new CliError(
        `the download of ${path} is damaged: sha256 ${digest}, expected ${sha256}; try again`,
      );
    }
    await rename(part, path);
    return digest;
  } finally {
    await rm(part, { force: true });
  }
}
