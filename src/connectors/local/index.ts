/**
 * The `local` connector: commands of `local` job steps run on the worker itself, through
 * `/bin/sh -c`, in their own process group so a timeout or cancel kills the whole tree.
 *
 * The environment is NOT the worker's (that holds DATABASE_URL, ORCA_SECRET_KEY and the like):
 * a command gets PATH, HOME, USER, LOGNAME, LANG, LC_ALL, TMPDIR and TZ from the worker when set,
 * then `baseEnv`, then the step's own `env`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  type Connector,
  ConnectorError,
  type ExecOptions,
  type ExecResult,
  FailureKind,
  type GetOptions,
  type GetResult,
  type PutOptions,
  type PutResult,
  type Session,
} from '../connector.ts';

const INHERITED = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TMPDIR', 'TZ'] as const;
/** Time between SIGTERM and SIGKILL of a stopped command's process group. */
const KILL_GRACE_MS = 2000;

export interface LocalOptions {
  readonly baseEnv?: Readonly<Record<string, string>> | undefined;
}

export function createLocalConnector(options: LocalOptions = {}): Connector {
  return { open: async () => openLocalSession(options) };
}

export function openLocalSession(options: LocalOptions = {}): Session {
  let alive = true;
  return {
    hostKey: null,
    get alive() {
      return alive;
    },
    exec: (command, o) => execLocal(command, o, options),
    put: (localPath, remotePath, o) => putLocal(localPath, remotePath, o),
    get: (remotePath, o) => getLocal(remotePath, o),
    async close() {
      alive = false;
    },
  };
}

function environment(options: LocalOptions, env: ExecOptions['env']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INHERITED) {
    const v = process.env[name];
    if (v !== undefined) out[name] = v;
  }
  return { ...out, ...options.baseEnv, ...env };
}

async function execLocal(command: string, o: ExecOptions, options: LocalOptions): Promise<ExecResult> {
  if (o.cwd) {
    const info = await stat(o.cwd).catch(() => null);
    if (!info?.isDirectory()) {
      throw new ConnectorError(
        FailureKind.protocol,
        `the working directory ${o.cwd} does not exist on the worker`,
      );
    }
  }
  if (o.signal?.aborted) throw new ConnectorError(FailureKind.canceled, 'canceled before it started');
  const child = spawn('/bin/sh', ['-c', command], {
    cwd: o.cwd,
    env: environment(options, o.env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise<ExecResult>((resolve, reject) => {
    let stopped: ConnectorError | null = null;
    let killTimer: NodeJS.Timeout | null = null;
    let open = 2;
    let exit: ExecResult | null = null;
    const stop = (error: ConnectorError) => {
      if (stopped) return;
      stopped = error;
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer =
      o.timeoutMs !== undefined
        ? setTimeout(
            () =>
              stop(
                new ConnectorError(
                  FailureKind.timeout,
                  `the command ran longer than ${o.timeoutMs} ms and was killed`,
                ),
              ),
            o.timeoutMs,
          )
        : null;
    const onAbort = () => stop(new ConnectorError(FailureKind.canceled, 'canceled; the command was killed'));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      if (open > 0 || !exit) return;
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (stopped) {
        // The command's leader exited; make sure the rest of its group goes too.
        killGroup(child, 'SIGKILL');
        if (killTimer) clearTimeout(killTimer);
        reject(stopped);
      } else resolve(exit);
    };
    for (const [stream, readable] of [
      ['stdout', child.stdout],
      ['stderr', child.stderr],
    ] as const) {
      readable.on('data', (chunk: Buffer) => {
        const pending = o.onOutput(stream, chunk);
        if (pending) {
          readable.pause();
          pending.then(
            () => readable.resume(),
            (e: unknown) => {
              stop(new ConnectorError(FailureKind.protocol, `could not store output: ${String(e)}`));
              readable.resume();
            },
          );
        }
      });
      readable.on('end', () => {
        open--;
        done();
      });
    }
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(
        new ConnectorError(FailureKind.protocol, `could not start the command on the worker: ${e.message}`),
      );
    });
    child.on('close', (code, signal) => {
      exit = { exitCode: code, signal };
      open = 0;
      done();
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function putLocal(localPath: string, remotePath: string, o: PutOptions = {}): Promise<PutResult> {
  if (o.signal?.aborted) throw new ConnectorError(FailureKind.canceled, 'canceled before the copy began');
  const dir = await stat(dirname(remotePath)).catch(() => null);
  if (!dir?.isDirectory()) {
    throw new ConnectorError(
      FailureKind.protocol,
      `the directory of ${remotePath} does not exist on the worker`,
    );
  }
  const temp = join(dirname(remotePath), `.${basename(remotePath)}.orca-${process.pid}-${Date.now()}`);
  try {
    await copyFile(localPath, temp);
    const [want, got] = await Promise.all([sha256File(localPath), sha256File(temp)]);
    if (want !== got)
      throw new ConnectorError(FailureKind.protocol, `the copy of ${localPath} differs from it`);
    await rename(temp, remotePath);
    const bytes = (await stat(remotePath)).size;
    o.onProgress?.(bytes);
    return { bytes, sha256: got };
  } finally {
    await rm(temp, { force: true });
  }
}

async function getLocal(remotePath: string, o: GetOptions): Promise<GetResult> {
  const info = await stat(remotePath).catch(() => null);
  if (!info?.isFile())
    throw new ConnectorError(FailureKind.protocol, `no such file on the worker: ${remotePath}`);
  if (o.maxBytes !== undefined && info.size > o.maxBytes) {
    throw new ConnectorError(
      FailureKind.protocol,
      `${remotePath} is ${info.size} bytes, over the ${o.maxBytes}-byte limit`,
    );
  }
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(remotePath, { signal: o.signal })) {
    const b = chunk as Buffer;
    hash.update(b);
    bytes += b.length;
    await o.onData(b);
  }
  return { bytes, sha256: hash.digest('hex') };
}
