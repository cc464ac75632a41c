/**
 * Runs one command on the worker: `/bin/sh -c` in a process group of its own, so that a timeout,
 * a cancel or a closed session kills everything it started (pipelines, `sleep 100 &`), not just
 * the shell. Processes that leave the group themselves (`setsid`) are out of reach, as on a host.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  ConnectorError,
  type ExecOptions,
  type ExecResult,
  FailureKind,
  type OutputStream,
} from '../connector.ts';
import { formatDuration } from './duration.ts';

/** Time between SIGTERM and SIGKILL of a stopped command's process group. */
export const KILL_GRACE_MS = 2000;
/** After the SIGKILL, how long to wait for the pipes to close before giving up on them. */
const PIPE_GRACE_MS = 1000;

export interface ExecContext {
  /** The shell that runs the command with `-c`; `/bin/sh` but for tests. */
  readonly shell: string;
  /** The complete environment of the command. */
  readonly env: Readonly<Record<string, string>>;
  /** Registers the running command with its session, which stops it on close; returns the undo. */
  readonly track: (stop: (error: ConnectorError) => void) => () => void;
}

type Child = ChildProcessByStdio<null, Readable, Readable>;

export async function execLocal(command: string, o: ExecOptions, ctx: ExecContext): Promise<ExecResult> {
  const cwd = o.cwd === '' ? undefined : o.cwd;
  if (cwd !== undefined) {
    const info = await stat(cwd).catch(() => null);
    if (!info?.isDirectory()) {
      throw new ConnectorError(
        FailureKind.protocol,
        `the working directory ${cwd} does not exist on the worker; create it or fix the step's cwd`,
      );
    }
  }
  if (o.signal?.aborted) {
    throw new ConnectorError(FailureKind.canceled, 'the command was canceled before it started');
  }
  let child: Child;
  try {
    child = spawn(ctx.shell, ['-c', command], {
      cwd,
      env: ctx.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    throw cannotStart(e);
  }
  return supervise(child, o, ctx);
}

function cannotStart(e: unknown): ConnectorError {
  const reason = e instanceof Error ? e.message : String(e);
  return new ConnectorError(FailureKind.protocol, `could not start the command on the worker: ${reason}`);
}

function supervise(child: Child, o: ExecOptions, ctx: ExecContext): Promise<ExecResult> {
  const streams = [
    ['stdout', child.stdout],
    ['stderr', child.stderr],
  ] as const;
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let stopped: ConnectorError | null = null;
    let exit: ExecResult | null = null;
    // One queue for both streams: onOutput sees one chunk at a time, in arrival order.
    const queue: Array<readonly [OutputStream, Buffer]> = [];
    let busy = false;
    let discard = false;

    const stop = (error: ConnectorError) => {
      if (settled || stopped) return;
      stopped = error;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => {
        killGroup(child.pid, 'SIGKILL');
        setTimeout(() => {
          for (const [, readable] of streams) readable.destroy();
        }, PIPE_GRACE_MS).unref();
      }, KILL_GRACE_MS).unref();
    };
    const untrack = ctx.track(stop);
    const timer =
      o.timeoutMs === undefined
        ? null
        : setTimeout(
            () =>
              stop(
                new ConnectorError(
                  FailureKind.timeout,
                  `the command ran longer than ${formatDuration(o.timeoutMs ?? 0)} and was killed`,
                ),
              ),
            o.timeoutMs,
          );
    const onAbort = () =>
      stop(new ConnectorError(FailureKind.canceled, 'the command was canceled and killed'));
    o.signal?.addEventListener('abort', onAbort, { once: true });

    const settle = (error: ConnectorError | null, result: ExecResult | null) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      untrack();
      if (error) reject(error);
      else if (result) resolve(result);
    };
    const finish = () => {
      if (!exit || busy || queue.length > 0) return;
      settle(stopped, exit);
    };
    const outputFailed = (e: unknown) => {
      discard = true;
      const reason = e instanceof Error ? e.message : String(e);
      stop(new ConnectorError(FailureKind.protocol, `could not store the command's output: ${reason}`));
    };
    const deliver = () => {
      while (!busy && queue.length > 0) {
        const [stream, chunk] = queue.shift()!;
        if (discard) continue;
        let pending: void | Promise<void>;
        try {
          pending = o.onOutput(stream, chunk);
        } catch (e) {
          outputFailed(e);
          continue;
        }
        if (pending) {
          busy = true;
          for (const [, readable] of streams) readable.pause();
          pending.then(
            () => {
              busy = false;
              deliver();
            },
            (e: unknown) => {
              busy = false;
              outputFailed(e);
              deliver();
            },
          );
        }
      }
      if (busy) return;
      for (const [, readable] of streams) readable.resume();
      finish();
    };

    for (const [stream, readable] of streams) {
      readable.on('data', (chunk: Buffer) => {
        queue.push([stream, chunk]);
        deliver();
      });
    }
    child.on('error', (e) => {
      // Spawning failed (the only 'error' we can get: signals go through process.kill).
      settle(cannotStart(e), null);
    });
    // 'close' comes once the shell has exited and every holder of its stdout/stderr let go.
    child.on('close', (code, signal) => {
      exit = { exitCode: code, signal };
      finish();
    });
  });
}

/** Signals the command's whole process group (its pid, as it was spawned detached). */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: every process of the group is gone already.
  }
}
