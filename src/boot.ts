/**
 * Composition root: configuration → database → services → the processes asked for.
 * Every dependency is wired here and passed down; there are no module-level singletons.
 */

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from './config/index.ts';
import { createLocalConnector } from './connectors/local/index.ts';
import { SessionPool } from './connectors/pool.ts';
import { sshConnector } from './connectors/ssh/index.ts';
import { winrmConnector } from './connectors/winrm/index.ts';
import { advanceRun } from './db/dispatch.ts';
import { type EmbeddedPg, startEmbeddedPg } from './db/embedded.ts';
import { Channel, notify } from './db/events.ts';
import { deleteStaleThrottles } from './db/login-throttle.ts';
import { migrate } from './db/migrate.ts';
import { type DbHandle, openDb } from './db/pool.ts';
import { applyRetention } from './db/retention.ts';
import { refreshRunStatus } from './db/runs.ts';
import { deleteExpiredSessions } from './db/sessions.ts';
import { createUserIfMissing } from './db/users.ts';
import { reapLostExecutions } from './db/workers.ts';
import { CancelRegistry } from './engine/cancel.ts';
import { newWorkerId, startWorker, type WorkerHandle } from './engine/worker.ts';
import type { App } from './http/app.ts';
import { Hub } from './http/hub.ts';
import { buildServer } from './http/server.ts';
import { startHealthSweep } from './inventory/health.ts';
import { Scheduler, startSchedulerLoop } from './scheduler/scheduler.ts';
import { hashPassword } from './security/passwords.ts';
import { generatePassword } from './security/tokens.ts';
import { loadKeyring, Vault } from './security/vault.ts';

export interface Database {
  readonly handle: DbHandle;
  readonly embedded: EmbeddedPg | null;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL under ORCA_HOME. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  let embedded: EmbeddedPg | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPg({
      dataDir: join(config.home, 'postgres'),
      port: config.embeddedPgPort,
      database: 'orca',
      onLog: (line) => log.debug({ postgres: line.trim() }),
    });
    url = embedded.connectionString;
    log.info({ dataDir: join(config.home, 'postgres') }, 'embedded PostgreSQL started');
  }
  const handle = openDb(url, config.dbPoolSize);
  return {
    handle,
    embedded,
    async close() {
      await handle.close();
      await embedded?.stop();
    },
  };
}

/** ORCA_SECRET_KEY (else the key file under ORCA_HOME) seals; ORCA_SECRET_KEYS_OLD only open. */
export async function loadVault(config: Config): Promise<Vault> {
  const keys = await loadKeyring(config.secretKey, config.secretKeysOld, join(config.home, 'master.key'));
  return new Vault(keys.current, keys.old);
}

/** Creates the first admin once; returns the generated password when one was generated. */
export async function ensureAdmin(
  handle: DbHandle,
  config: Config,
): Promise<{ created: boolean; password: string | null }> {
  const password = config.adminPassword ?? generatePassword();
  const created = await createUserIfMissing(handle.db, {
    username: config.adminUser,
    passwordHash: await hashPassword(password),
    role: 'admin',
  });
  return { created, password: created ? password : null };
}

export interface ServerHandle {
  readonly app: App;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startServer(
  handle: DbHandle,
  vault: Vault,
  config: Config,
  log: Logger,
): Promise<ServerHandle> {
  const hub = new Hub();
  await hub.start(handle.pool, log);
  const app = await buildServer({ db: handle.db, vault, config, log, hub });
  await app.listen({ port: config.port, host: config.bind });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const maintenance = startMaintenance(handle, config, log);
  const health = startHealthSweep(
    handle.db,
    {
      intervalMs: config.healthIntervalMs,
      concurrency: config.healthConcurrency,
      connectTimeoutMs: config.connectTimeoutMs,
    },
    log,
  );
  const scheduler =
    config.schedulerIntervalMs > 0
      ? startSchedulerLoop(
          new Scheduler({
            db: handle.db,
            vault,
            log: log.child({ part: 'scheduler' }),
            misfireGraceMs: config.misfireGraceMs,
            runTimeoutMs: config.commandTimeoutMs,
          }),
          config.schedulerIntervalMs,
          log,
        )
      : null;
  return {
    app,
    url: `${config.tls ? 'https' : 'http'}://${config.bind === '0.0.0.0' ? 'localhost' : config.bind}:${port}`,
    async stop() {
      maintenance.stop();
      health.stop();
      await scheduler?.stop();
      await app.close();
      await hub.stop();
    },
  };
}

/** Retention needs no precision: sweeping every ten minutes keeps its queries rare. */
const RETENTION_EVERY_MS = 10 * 60_000;

/** Periodic clean-up; idempotent, so every server may run it. */
function startMaintenance(handle: DbHandle, config: Config, log: Logger): { stop(): void } {
  let retainedAt = 0;
  const tick = async () => {
    const lost = await reapLostExecutions(handle.db, config.leaseTimeoutMs);
    for (const runId of lost.runIds) {
      // A lost host frees its place: the run's next hosts (batch, maxParallel, stepFirst) may start.
      await advanceRun(handle.db, runId);
      await refreshRunStatus(handle.db, runId);
      await notify(handle.db, Channel.run, { run: runId, status: true });
    }
    if (lost.executionIds.length > 0)
      log.warn({ executions: lost.executionIds.length }, 'marked executions of dead workers lost');
    await deleteExpiredSessions(handle.db, config.sessionIdleMs);
    await deleteStaleThrottles(handle.db);
    if (Date.now() - retainedAt >= RETENTION_EVERY_MS) {
      retainedAt = Date.now();
      const gone = await applyRetention(handle.db, config.retention);
      if (gone.runs > 0 || gone.artifacts > 0) log.info(gone, 'deleted runs and artifacts past retention');
    }
  };
  const timer = setInterval(
    () => tick().catch((e: unknown) => log.warn({ err: String(e) }, 'maintenance failed')),
    Math.min(10_000, config.leaseTimeoutMs / 3),
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** What the command line may set over the configuration (`--concurrency`, `--tags`, `--pool-only`). */
export interface WorkerFlags {
  readonly concurrency?: number | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly poolOnly?: boolean | undefined;
}

export async function startWorkerProcess(
  config: Config,
  vault: Vault,
  log: Logger,
  connectionString: string,
  flags: WorkerFlags = {},
): Promise<{ worker: WorkerHandle; stop(graceMs?: number): Promise<void>; hurry(): void }> {
  const concurrency = flags.concurrency ?? config.workerConcurrency;
  const tags = [...new Set([...config.workerTags, ...(flags.tags ?? [])])].sort();
  const poolOnly = flags.poolOnly ?? config.workerPoolOnly;
  if (poolOnly && tags.length === 0) throw new Error('--pool-only needs at least one --tags key=value');
  // Its own pool: the queue and every running execution's output writer need connections.
  const handle = openDb(connectionString, Math.min(concurrency + 4, 50));
  const workerId = newWorkerId();
  // Sources of upload and sync steps, and where local steps start.
  await mkdir(config.filesDir, { recursive: true });
  const worker = await startWorker(
    {
      db: handle.db,
      vault,
      connectors: { ssh: sshConnector, winrm: winrmConnector },
      pool: new SessionPool(),
      cancels: new CancelRegistry(),
      workerId,
      log: log.child({ worker: workerId }),
      connectTimeoutMs: config.connectTimeoutMs,
      outputLimitBytes: config.outputLimitBytes,
      local: createLocalConnector(),
      filesDir: config.filesDir,
      artifactLimitBytes: config.artifactLimitBytes,
      notify: config.notify,
      agentSocket: config.sshAgentSocket,
    },
    handle.pool,
    { concurrency, tags, poolOnly },
  );
  return {
    worker,
    async stop(graceMs = config.workerGraceMs) {
      await worker.stop(graceMs);
      await handle.close();
    },
    hurry: () => worker.hurry(),
  };
}

export { migrate };
