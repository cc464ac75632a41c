/**
 * One-way directory sync to a host: list the remote tree with SHA-256 in one command, hash the
 * local tree, create the missing directories, and put only files that are new or differ. Remote
 * files are never deleted. Uses Session.exec and Session.put only, so it works on every transport.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConnectorError, FailureKind, type Session } from '../connectors/connector.ts';
import type { Os, Shell } from '../domain/host-settings.ts';
import {
  listCommand,
  mkdirCommands,
  parseListing,
  pathKey,
  type RemoteHost,
  remoteJoin,
  unusableName,
} from './sync-remote.ts';

export interface SyncOptions {
  readonly os: Os;
  /** The shell the host runs commands in (default: `sh`, or PowerShell on Windows). */
  readonly shell?: Shell | undefined;
  readonly localDir: string;
  readonly remoteDir: string;
  /** For the whole sync: listing, directories and every copy. */
  readonly timeoutMs?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** One line per copied file, and per local entry that was skipped. */
  readonly onLog?: ((line: string) => void) | undefined;
}

export interface SyncResult {
  /** Relative paths (`/` separators) of the files copied, sorted. */
  readonly uploaded: string[];
  /** Files already equal on the host. */
  readonly unchanged: number;
  /** Bytes copied. */
  readonly bytes: number;
}

interface LocalFile {
  readonly relative: string;
  readonly path: string;
  readonly sha256: string;
}

/** Local files hashed at once. */
const HASH_CONCURRENCY = 4;

export async function syncDirectory(session: Session, o: SyncOptions): Promise<SyncResult> {
  const host: RemoteHost = { os: o.os, shell: o.shell ?? (o.os === 'windows' ? 'powershell' : 'sh') };
  const log = o.onLog ?? (() => {});
  const doing = `syncing ${o.localDir} to ${o.remoteDir}`;
  const deadline = o.timeoutMs === undefined ? undefined : Date.now() + o.timeoutMs;
  const progress = { copied: 0, toCopy: 0 };
  const left = (): number | undefined => {
    if (deadline === undefined) return undefined;
    const ms = deadline - Date.now();
    if (ms <= 0) throw new ConnectorError(FailureKind.timeout, 'the time is up');
    return ms;
  };
  const put = session.put?.bind(session);
  if (!put) throw new ConnectorError(FailureKind.protocol, `${doing} failed: this session cannot copy files`);
  try {
    const [local, remote] = await Promise.all([
      walkLocal(o.localDir, log, o.signal),
      listRemote(session, host, o.remoteDir, { timeoutMs: left(), signal: o.signal }),
    ]);
    for (const name of [...local.files.map((f) => f.relative), ...local.directories]) {
      const why = unusableName(o.os, name);
      if (why) throw new ConnectorError(FailureKind.protocol, `${doing} failed: ${name}: ${why}`);
    }
    const changed = local.files.filter((f) => remote.files.get(pathKey(o.os, f.relative)) !== f.sha256);
    progress.toCopy = changed.length;
    const missing = local.directories.filter((d) => !remote.directories.has(pathKey(o.os, d)));
    for (const command of mkdirCommands(
      host,
      missing.map((d) => remoteJoin(o.os, o.remoteDir, d)),
    )) {
      await run(session, command, { timeoutMs: left(), signal: o.signal }, 'creating directories');
    }
    const uploaded: string[] = [];
    let bytes = 0;
    for (const file of changed) {
      const result = await put(file.path, remoteJoin(o.os, o.remoteDir, file.relative), {
        timeoutMs: left(),
        signal: o.signal,
      });
      if (result.sha256 !== file.sha256) {
        throw new ConnectorError(
          FailureKind.protocol,
          `${doing} failed: ${file.relative} changed on the worker while it was copied`,
        );
      }
      uploaded.push(file.relative);
      bytes += result.bytes;
      progress.copied += 1;
      log(`uploaded ${file.relative} (${result.bytes} bytes, sha256 ${result.sha256})`);
    }
    return { uploaded: uploaded.sort(), unchanged: local.files.length - changed.length, bytes };
  } catch (error) {
    throw syncError(error, doing, o, deadline, progress);
  }
}

/** Timeouts and cancels said of the whole sync, with how far it got. */
function syncError(
  error: unknown,
  doing: string,
  o: SyncOptions,
  deadline: number | undefined,
  progress: { copied: number; toCopy: number },
): unknown {
  const done = `${progress.copied} of ${progress.toCopy} changed file(s) were copied`;
  if (o.signal?.aborted) {
    const detail = error instanceof ConnectorError ? ` (${error.message})` : '';
    return new ConnectorError(FailureKind.canceled, `${doing} was canceled; ${done}${detail}`);
  }
  // Each step was given what was left of the time, so its timeout is the sync's.
  if (error instanceof ConnectorError && error.kind === FailureKind.timeout && deadline !== undefined) {
    if (Date.now() >= deadline - 20) {
      return new ConnectorError(
        FailureKind.timeout,
        `${doing} took longer than its ${o.timeoutMs} ms timeout and was stopped; ${done}`,
      );
    }
  }
  if (error instanceof ConnectorError) return error;
  // Reading the local tree failed: the worker's side.
  return new ConnectorError(
    FailureKind.protocol,
    `${doing} failed: ${(error as Error)?.message ?? String(error)}`,
  );
}

interface CommandLimits {
  readonly timeoutMs: number | undefined;
  readonly signal: AbortSignal | undefined;
}

/** Runs a command; its stdout, or a ConnectorError saying what failed and why. */
async function run(session: Session, command: string, limits: CommandLimits, doing: string): Promise<string> {
  const stdout: Buffer[] = [];
  let stderr = '';
  const result = await session.exec(command, {
    ...limits,
    onOutput: (stream, chunk) => {
      if (stream === 'stdout') stdout.push(chunk);
      else if (stderr.length < 16 * 1024) stderr += chunk.toString('utf8');
    },
  });
  if (result.exitCode !== 0) {
    const why = stderr.trim().split(/\r?\n/)[0] || `exit code ${result.exitCode ?? result.signal}`;
    throw new ConnectorError(FailureKind.nonzeroExit, `${doing} on the host failed: ${why}`, {
      exitCode: String(result.exitCode),
    });
  }
  return Buffer.concat(stdout).toString('utf8');
}

async function listRemote(session: Session, host: RemoteHost, root: string, limits: CommandLimits) {
  const stdout = await run(session, listCommand(host, root), limits, `listing ${root}`);
  return parseListing(host.os, root, stdout);
}

/**
 * The local tree: regular files (and links to them) hashed, directories by relative path. Links
 * to directories are not followed, so a link loop cannot make the sync endless.
 */
async function walkLocal(root: string, log: (line: string) => void, signal: AbortSignal | undefined) {
  const found: Array<{ relative: string; path: string }> = [];
  const directories: string[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const relative = prefix + entry.name;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        directories.push(relative);
        await visit(path, `${relative}/`);
      } else if (entry.isFile()) {
        found.push({ relative, path });
      } else if (entry.isSymbolicLink() && (await stat(path).catch(() => null))?.isFile()) {
        found.push({ relative, path });
      } else {
        log(`skipped ${relative}: not a regular file or directory`);
      }
    }
  };
  await visit(root, '');
  const files: LocalFile[] = new Array(found.length);
  let next = 0;
  const worker = async () => {
    while (next < found.length) {
      signal?.throwIfAborted();
      const i = next++;
      const entry = found[i] as { relative: string; path: string };
      files[i] = { ...entry, sha256: await hashFile(entry.path) };
    }
  };
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
  return { files, directories };
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
