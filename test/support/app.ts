/**
 * The whole orca app in this process for a test: its own database, a server on a random
 * loopback port, and a worker. Stops everything it started.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import {
  ensureAdmin,
  loadVault,
  type ServerHandle,
  startServer,
  startWorkerProcess,
} from '../../src/boot.ts';
import { type Config, loadConfig } from '../../src/config/index.ts';
import type { Vault } from '../../src/security/vault.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestApp {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly config: Config;
  readonly database: TestDatabase;
  readonly vault: Vault;
  readonly server: ServerHandle;
  /** An admin API token (`Authorization: Bearer <token>`). */
  readonly token: string;
  /** fetch against the API with the admin token: `api('/hosts')` → GET /api/v1/hosts. */
  api(path: string, init?: { method?: string; body?: unknown; token?: string | null }): Promise<Response>;
  /** Starts one more worker (e.g. to test a separately started worker); stopped with the app. */
  startWorker(concurrency?: number): Promise<{ id: string; stop(): Promise<void> }>;
  stopWorkers(): Promise<void>;
  /** Stops the HTTP server and starts a new one on the same database (the url changes). */
  restartServer(): Promise<void>;
  /**
   * Stops the workers and the server, then starts both again on the same database with `env`
   * over the first start's environment (e.g. other ORCA_SECRET_KEY / ORCA_SECRET_KEYS_OLD).
   */
  restart(env: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  /** Start a worker with the server (default true). */
  readonly worker?: boolean;
  /** Extra environment, as ORCA_* variables (e.g. ORCA_CONNECT_TIMEOUT_MS). */
  readonly env?: Record<string, string>;
  /** The logger of the server and workers (default: silent, or ORCA_TEST_LOG's level). */
  readonly log?: Logger;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const home = await mkdtemp(join(tmpdir(), 'orca-test-home-'));
  const baseEnv: Record<string, string> = {
    ORCA_HOME: home,
    ORCA_PORT: '0',
    ORCA_BIND: '127.0.0.1',
    DATABASE_URL: database.url,
    ORCA_ADMIN_USER: ADMIN_USER,
    ORCA_ADMIN_PASSWORD: ADMIN_PASSWORD,
    ORCA_LOG_LEVEL: 'silent',
    ORCA_CONNECT_TIMEOUT_MS: '5000',
    // No periodic health checks unless a test asks: they would contact hosts behind its back.
    ORCA_HEALTH_INTERVAL_S: '0',
    // Workers stopped with the app give running executions as long as before pools existed.
    ORCA_WORKER_GRACE_S: '10',
    ...options.env,
  };
  let config = loadConfig(baseEnv);
  const log = options.log ?? pino({ level: process.env.ORCA_TEST_LOG ?? 'silent' });
  let vault = await loadVault(config);
  await ensureAdmin(database.handle, config);
  let server = await startServer(database.handle, vault, config, log);
  const workers: { id: string; stop(): Promise<void> }[] = [];
  let url = server.url;

  const rawApi = async (
    path: string,
    init: { method?: string; body?: unknown; token?: string | null } = {},
  ) => {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${url}/api/v1${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  };

  // An admin token through the real login and token routes.
  const login = await rawApi('/auth/login', { body: { username: ADMIN_USER, password: ADMIN_PASSWORD } });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'tests' }),
  });
  const { secret: token } = (await created.json()) as { secret: string };

  const app: TestApp = {
    get url() {
      return url;
    },
    get config() {
      return config;
    },
    database,
    get vault() {
      return vault;
    },
    get server() {
      return server;
    },
    token,
    api: (path, init = {}) => rawApi(path, { ...init, token: init.token === undefined ? token : init.token }),
    async startWorker(concurrency = 8) {
      const w = await startWorkerProcess(config, vault, log, database.url, { concurrency });
      const handle = { id: w.worker.id, stop: () => w.stop() };
      workers.push(handle);
      return handle;
    },
    async stopWorkers() {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    },
    async restartServer() {
      await server.stop();
      server = await startServer(database.handle, vault, config, log);
      url = server.url;
    },
    async restart(env) {
      await app.stopWorkers();
      await server.stop();
      config = loadConfig({ ...baseEnv, ...env });
      vault = await loadVault(config);
      server = await startServer(database.handle, vault, config, log);
      url = server.url;
      await app.startWorker();
    },
    async stop() {
      await app.stopWorkers();
      await server.stop();
      await database.drop();
      await rm(home, { recursive: true, force: true });
    },
  };
  if (options.worker !== false) await app.startWorker();
  return app;
}
