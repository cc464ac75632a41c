/**
 * Every sealed column in the schema, and the SQL that key rotation needs over them: counts per
 * key id, batches of rows not under a key, and a compare-and-set replacement of one row's value.
 */
import { sql } from 'kysely';
import type { Sealed } from '../security/vault.ts';
import { credentialSecretAad } from './credentials.ts';
import { notificationSecretAad } from './notifications.ts';
import type { Db } from './pool.ts';
import { runSecretsAad } from './runs.ts';
import { scheduleSecretsAad } from './schedules.ts';
import { triggerSecretAad } from './triggers.ts';

/** A bytea column sealed by the vault, the column naming its key, and the row's associated data. */
export interface SealedColumn {
  readonly table: string;
  readonly data: string;
  readonly keyId: string;
  readonly aad: (id: string) => string;
}

/** A new sealed column must be listed here, or `orca keys rotate` leaves it behind. */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'credentials', data: 'secret', keyId: 'key_id', aad: credentialSecretAad },
  { table: 'runs', data: 'secret_parameters', keyId: 'secret_key_id', aad: runSecretsAad },
  { table: 'notification_rules', data: 'secret', keyId: 'key_id', aad: notificationSecretAad },
  { table: 'job_triggers', data: 'secret', keyId: 'key_id', aad: triggerSecretAad },
  { table: 'schedules', data: 'secret_parameters', keyId: 'secret_key_id', aad: scheduleSecretsAad },
];

export interface SealedRow {
  readonly id: string;
  readonly sealed: Sealed;
}

/** Rows per key id of one column (rows without a sealed value are not counted). */
export async function countByKey(db: Db, c: SealedColumn): Promise<{ keyId: string; rows: number }[]> {
  const r = await sql<{ key_id: string; rows: number }>`
    select ${sql.ref(c.keyId)} as key_id, count(*)::int as rows from ${sql.table(c.table)}
    where ${sql.ref(c.keyId)} is not null group by 1 order by 1`.execute(db);
  return r.rows.map((row) => ({ keyId: row.key_id, rows: row.rows }));
}

/** The next rows after `afterId` (in id order) whose value is sealed with a key other than `keyId`. */
export async function rowsNotUnderKey(
  db: Db,
  c: SealedColumn,
  keyId: string,
  afterId: string | null,
  limit: number,
): Promise<SealedRow[]> {
  const r = await sql<{ id: string; data: Buffer; key_id: string }>`
    select id::text as id, ${sql.ref(c.data)} as data, ${sql.ref(c.keyId)} as key_id
    from ${sql.table(c.table)}
    where ${sql.ref(c.keyId)} is not null and ${sql.ref(c.keyId)} <> ${keyId}
      ${afterId === null ? sql`` : sql`and id > ${afterId}::uuid`}
    order by id limit ${limit}`.execute(db);
  return r.rows.map((row) => ({ id: row.id, sealed: { keyId: row.key_id, data: row.data } }));
}

/**
 * Replaces one row's sealed value only if it still holds `old` (same key id and bytes), in its own
 * short statement: a concurrent change of the secret or a concurrent rotation wins, and this
 * returns false.
 */
export async function replaceSealed(
  db: Db,
  c: SealedColumn,
  id: string,
  old: Sealed,
  next: Sealed,
): Promise<boolean> {
  const r = await sql`
    update ${sql.table(c.table)} set ${sql.ref(c.data)} = ${next.data}, ${sql.ref(c.keyId)} = ${next.keyId}
    where id = ${id}::uuid and ${sql.ref(c.keyId)} = ${old.keyId} and ${sql.ref(c.data)} = ${old.data}`.execute(
    db,
  );
  return (r.numAffectedRows ?? 0n) > 0n;
}
