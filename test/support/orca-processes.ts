/**
 * orca as real child processes (`node --import tsx src/main.ts server|worker`), as it runs in
 * production: a test can then restart the database under them, or run several workers, and
 * check that none of them died. Their output goes to a log file, shown when a test fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PASSWORD, ADMIN_USER } from './app.ts';
import type { ApiClient } from './fleet.ts';
import { freePort } from './sshd.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface OrcaProcess {
  readonly child: ChildProcess;
  readonly logPath: string;
  /** True while the process has not exited. */
  readonly alive: boolean;
  stop(): Promise<void>;
}

export interface OrcaServer extends OrcaProcess, ApiClient {
  readonly url: string;
  readonly token: string;
}

export interface OrcaCluster {
  readonly home: string;
  startServer(): Promise<OrcaServer>;
  startWorker(concurrency?: number): Promise<OrcaProcess>;
  /** The last lines of every process's log. */
  logs(): Promise<string>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
const homes = new Set<string>();
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

/** Processes sharing one ORCA_HOME (and so one master key) and one database. */
export async function orcaCluster(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<OrcaCluster> {
  const home = await mkdtemp(join(tmpdir(), 'orca-procs-'));
  homes.add(home);
  const started: OrcaProcess[] = [];
  let n = 0;
  const spawnOrca = (args: string[], extra: Record<string, string>): OrcaProcess => {
    const logPath = join(home, `${args[0]}-${++n}.log`);
    const log = openSync(logPath, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        ORCA_HOME: home,
        ORCA_LOG_LEVEL: 'warn',
        ORCA_ADMIN_USER: ADMIN_USER,
        ORCA_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ORCA_HEALTH_INTERVAL_S: '0',
        ...env,
        ...extra,
      },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    children.add(child);
    child.once('exit', () => children.delete(child));
    const proc: OrcaProcess = {
      child,
      logPath,
      get alive() {
        return child.exitCode === null && child.signalCode === null;
      },
      async stop() {
        if (!proc.alive) return;
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await gone;
        clearTimeout(timer);
      },
    };
    started.push(proc);
    return proc;
  };

  return {
    home,
    async startServer() {
      const port = await freePort();
      const proc = spawnOrca(['server'], { ORCA_PORT: String(port), ORCA_BIND: '127.0.0.1' });
      const url = `http://127.0.0.1:${port}`;
      // Booting TypeScript through tsx takes long on a loaded machine.
      const deadline = Date.now() + 180_000;
      for (;;) {
        if (!proc.alive) throw new Error(`the server exited:\n${await readFile(proc.logPath, 'utf8')}`);
        const ok = await fetch(`${url}/api/v1/health`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline) throw new Error('the server did not answer /health within 180 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      const token = await adminToken(url);
      const api: ApiClient['api'] = (path, init = {}) => {
        const headers: Record<string, string> = {};
        const t = init.token === undefined ? token : init.token;
        if (t) headers.authorization = `Bearer ${t}`;
        if (init.body !== undefined) headers['content-type'] = 'application/json';
        return fetch(`${url}/api/v1${path}`, {
          method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
          headers,
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        });
      };
      return Object.assign(proc, { url, token, api });
    },
    async startWorker(concurrency = 4) {
      return spawnOrca(['worker', '--concurrency', String(concurrency)], {});
    },
    async logs() {
      const parts = await Promise.all(
        started.map(async (p) => {
          const text = await readFile(p.logPath, 'utf8').catch(() => '');
          return `--- ${p.logPath} (${p.alive ? 'alive' : `exited ${p.child.exitCode ?? p.child.signalCode}`})\n${text.split('\n').slice(-40).join('\n')}`;
        }),
      );
      return parts.join('\n');
    },
    async stop() {
      await Promise.all(started.map((p) => p.stop()));
      homes.delete(home);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** An admin API token through the real login and token routes. */
async function adminToken(url: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN_USER, password: ADMIN_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'tests' }),
  });
  if (created.status !== 201) throw new Error(`token: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { secret: string }).secret;
}

/** Waits until `check` returns a value (not undefined), polling; fails with `what` after `ms`. */
export async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
