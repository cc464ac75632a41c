/** `orca worker` as a real child process against a test app's database (as test/crash.test.ts does). */
import { type ChildProcess, spawn } from 'node:child_process';
import type { TestApp } from './app.ts';

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null if killed by a signal). */
  readonly exited: Promise<number | null>;
  /** The id it registered under, once it shows alive in GET /workers. */
  readonly id: string;
  /** Its stderr so far (logs at ORCA_LOG_LEVEL), for failure messages. */
  stderr(): string;
  kill(signal?: NodeJS.Signals): void;
}

interface WorkerRow {
  id: string;
  pid: number;
  state: string;
}

/** Starts `orca worker ARGS` and waits until it registered and heartbeats. */
export async function spawnWorker(
  app: TestApp,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker', ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: {
      ...process.env,
      DATABASE_URL: app.database.url,
      ORCA_HOME: app.config.home,
      ORCA_LOG_LEVEL: 'warn',
      ORCA_WORKER_TAGS: '',
      ORCA_WORKER_POOL_ONLY: '',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  let id: string | undefined;
  while (!id) {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}: ${err}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`worker never registered: ${err}`);
    }
    const rows = (await (await app.api('/workers')).json()) as WorkerRow[];
    id = rows.find((w) => w.pid === child.pid && w.state === 'alive')?.id;
    if (!id) await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    exited,
    id,
    stderr: () => err,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Waits until `check` returns a value (not undefined), polling; fails with `what` after `ms`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
