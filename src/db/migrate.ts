/** Applies orca's numbered .sql migrations (Kysely's Migrator) and graphile-worker's own schema. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger, runMigrations as runQueueMigrations } from 'graphile-worker';
import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { DbHandle } from './pool.ts';

const MIGRATIONS_DIR = new URL('../../migrations', import.meta.url).pathname;

class SqlFileProvider implements MigrationProvider {
  constructor(private readonly dir: string) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
    const out: Record<string, Migration> = {};
    for (const file of files) {
      const text = await readFile(join(this.dir, file), 'utf8');
      out[file.replace(/\.sql$/, '')] = { up: async (db) => void (await sql.raw(text).execute(db)) };
    }
    return out;
  }
}

/** Idempotent; safe to run from several processes at once (Kysely takes a lock). */
export async function migrate(handle: DbHandle): Promise<string[]> {
  const migrator = new Migrator({
    db: handle.db,
    provider: new SqlFileProvider(MIGRATIONS_DIR),
    migrationTableName: 'orca_migrations',
    migrationLockTableName: 'orca_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  await runQueueMigrations({ pgPool: handle.pool, logger: quietLogger() });
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** graphile-worker logs to the console by default; orca keeps its own log clean. */
export function quietLogger(onError?: (message: string) => void): Logger {
  return new Logger(() => (level, message) => {
    if (level === 'error' && onError) onError(message);
  });
}
