/**
 * Real child processes behind shimmed commands. Each runs in its own process group so that a
 * WinRS terminate (or shell Delete, or server close) kills everything it started, as Windows
 * kills the process tree of a WinRS command.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { CommandIO } from './io.ts';

/** What Windows reports for a process ended by Ctrl+C (STATUS_CONTROL_C_EXIT as a signed int). */
export const CTRL_C_EXIT = -1073741510;

export class ProcessGroups {
  /** Process-group ids that may still have members. */
  readonly #groups = new Set<number>();
  started = 0;

  /** Groups with at least one live (not zombie) process, grandchildren included. */
  get running(): number {
    const live = liveProcessGroups();
    for (const pgid of this.#groups) if (!live.has(pgid)) this.#groups.delete(pgid);
    return this.#groups.size;
  }

  /**
   * Runs `/bin/sh -c line`, streaming its output into the command's streams; resolves with its
   * exit code once it exits and its pipes closed. stdin comes from WinRS Send when `stdin` is set;
   * `cwd` is a directory on this machine (the shim's own when unset).
   */
  run(
    io: CommandIO,
    line: string,
    options: { stdin: boolean; quiet?: boolean; cwd?: string | undefined },
  ): Promise<number> {
    return new Promise((resolve) => {
      if (io.abort.aborted) {
        resolve(1);
        return;
      }
      const child = spawn('/bin/sh', ['-c', line], {
        detached: true,
        env: { ...io.env },
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      });
      const pgid = child.pid;
      if (pgid === undefined) {
        child.once('error', () => resolve(1));
        return;
      }
      this.started += 1;
      this.#groups.add(pgid);
      if (options.stdin && child.stdin) io.stdin.attach(child.stdin);
      const pump = (stream: 'stdout' | 'stderr') => (data: Buffer) => {
        if (options.quiet) return;
        if (!io.write(stream, data)) {
          child.stdout?.pause();
          child.stderr?.pause();
          void io.drained().then(() => {
            child.stdout?.resume();
            child.stderr?.resume();
          });
        }
      };
      child.stdout?.on('data', pump('stdout'));
      child.stderr?.on('data', pump('stderr'));
      let interrupted = false;
      const onAbort = () => {
        interrupted = true;
        killGroup(pgid, 'SIGKILL');
      };
      io.abort.addEventListener('abort', onAbort, { once: true });
      child.once('close', (code, signal) => {
        io.abort.removeEventListener('abort', onAbort);
        if (options.stdin) io.stdin.detach();
        if (signal === 'SIGINT') resolve(CTRL_C_EXIT);
        else if (signal !== null || interrupted) resolve(1);
        else resolve(code ?? 1);
      });
    });
  }

  /** Sends a signal to every group this instance started (SIGINT for ctrl_c, SIGKILL to end all). */
  signalAll(signal: NodeJS.Signals): void {
    for (const pgid of this.#groups) killGroup(pgid, signal);
  }
}

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Process groups that have a member which is not a zombie, from /proc. A killed child stays a
 * zombie until Node reaps it, and `kill(-pgid, 0)` would still count it.
 */
function liveProcessGroups(): Set<number> {
  const groups = new Set<number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue; // exited while we looked
    }
    // Fields after "pid (comm)": state ppid pgrp …; comm may contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state !== 'Z' && state !== 'X') groups.add(Number(pgrp));
  }
  return groups;
}
