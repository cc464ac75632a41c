/**
 * A fresh, migrated database per test file: on the server at DATABASE_URL when set (CI uses the
 * machine's PostgreSQL), else on an embedded PostgreSQL started for this file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type EmbeddedPg, startEmbeddedPg } from '../../src/db/embedded.ts';
import { migrate } from '../../src/db/migrate.ts';
import { type DbHandle, openDb } from '../../src/db/pool.ts';

export interface TestDatabase {
  readonly url: string;
  readonly handle: DbHandle;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedPg | null = null;
  let dir: string | null = null;
  if (!serverUrl) {
    dir = await mkdtemp(join(tmpdir(), 'orca-test-pg-'));
    // As root the server runs as the `postgres` user, which must reach the directory.
    await chmod(dir, 0o755);
    embedded = await startEmbeddedPg({ dataDir: join(dir, 'data'), port: 0, database: 'postgres' });
    serverUrl = embedded.connectionString;
  }
  const name = `orca_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  const handle = openDb(url, 20);
  await migrate(handle);
  let dropped = false;
  return {
    url,
    handle,
    async drop() {
      if (dropped) return;
      dropped = true;
      await handle.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      await embedded?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
