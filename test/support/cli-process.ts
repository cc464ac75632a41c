/** Runs `orca` as a user does: a child process, with its own config dir and no ORCA_* from outside. */
import { type ChildProcess, spawn } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  readonly stdin?: string;
  readonly env?: Record<string, string>;
  /** Called with everything printed so far, each time stdout grows. */
  readonly onStdout?: (all: string, child: ChildProcess) => void;
}

/** `orca <args>` with XDG_CONFIG_HOME=`home`, no colour; killed after 90 s. */
export function orcaProcess(home: string, args: string[], o: ProcessOptions = {}): Promise<ProcessResult> {
  const env: Record<string, string | undefined> = { ...process.env, XDG_CONFIG_HOME: home, NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('ORCA_')) delete env[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: ROOT,
    env: { ...env, ...o.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result: ProcessResult = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => {
    result.stdout += d.toString();
    o.onStdout?.(result.stdout, child);
  });
  child.stderr.on('data', (d: Buffer) => {
    result.stderr += d.toString();
  });
  child.stdin.end(o.stdin ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      result.code = code;
      resolve(result);
    });
  });
}
