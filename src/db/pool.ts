/** The PostgreSQL pool and the typed query builder over it. */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types.ts';

export type Db = Kysely<Database>;

export interface DbHandle {
  readonly db: Db;
  readonly pool: pg.Pool;
  readonly connectionString: string;
  close(): Promise<void>;
}

// bigint (int8) columns arrive as strings; counts we read are small enough for numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

export function openDb(connectionString: string, max = 10): DbHandle {
  const pool = new pg.Pool({ connectionString, max, application_name: 'orca' });
  // An idle client that loses its server (restart, network) must not crash the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  return {
    db,
    pool,
    connectionString,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}
