/**
 * `orca keys rotate` and `orca keys status`: re-seal every sealed column under the vault's
 * current key, row by row, while servers and workers keep running with the same keyring.
 */
import type { Db } from '../db/pool.ts';
import {
  countByKey,
  replaceSealed,
  rowsNotUnderKey,
  SEALED_COLUMNS,
  type SealedColumn,
} from '../db/sealed.ts';
import { MissingKeyError, type Vault } from './vault.ts';

export interface TableRotation {
  readonly table: string;
  /** Rows re-sealed under the current key by this rotation. */
  resealed: number;
  /** Rows changed by someone else meanwhile (a new secret, a concurrent rotation): left to them. */
  changed: number;
  /** Rows sealed with a key that is not configured, by key id. */
  readonly missing: Record<string, number>;
  /** Rows that did not open with their key (tampered with, or moved between rows). */
  failed: number;
}

export interface RotationOptions {
  readonly batchSize?: number;
  readonly columns?: readonly SealedColumn[];
}

/** Re-seals, in id order and in batches, every row not under the current key. */
export async function rotateSecrets(db: Db, vault: Vault, o: RotationOptions = {}): Promise<TableRotation[]> {
  const batchSize = o.batchSize ?? 200;
  const out: TableRotation[] = [];
  for (const column of o.columns ?? SEALED_COLUMNS) {
    const result: TableRotation = { table: column.table, resealed: 0, changed: 0, missing: {}, failed: 0 };
    let after: string | null = null;
    for (;;) {
      const rows = await rowsNotUnderKey(db, column, vault.keyId, after, batchSize);
      for (const row of rows) {
        let next: ReturnType<Vault['seal']>;
        try {
          next = vault.reseal(row.sealed, column.aad(row.id));
        } catch (e) {
          if (e instanceof MissingKeyError) result.missing[e.keyId] = (result.missing[e.keyId] ?? 0) + 1;
          else result.failed++;
          continue;
        }
        if (await replaceSealed(db, column, row.id, row.sealed, next)) result.resealed++;
        else result.changed++;
      }
      if (rows.length < batchSize) break;
      after = rows.at(-1)!.id;
    }
    out.push(result);
  }
  return out;
}

export interface KeyUsage {
  readonly table: string;
  readonly keyId: string;
  readonly rows: number;
  readonly current: boolean;
  /** Whether the configured keyring holds this key. */
  readonly configured: boolean;
}

export async function keyStatus(db: Db, vault: Vault): Promise<KeyUsage[]> {
  const out: KeyUsage[] = [];
  for (const column of SEALED_COLUMNS) {
    for (const { keyId, rows } of await countByKey(db, column)) {
      out.push({
        table: column.table,
        keyId,
        rows,
        current: keyId === vault.keyId,
        configured: vault.has(keyId),
      });
    }
  }
  return out;
}

export function formatRotation(vault: Vault, results: readonly TableRotation[]): string {
  const lines = [`current key: ${vault.keyId}`];
  for (const r of results) {
    const extra = [
      r.changed ? `${r.changed} changed meanwhile (already under a newer value)` : '',
      ...Object.entries(r.missing).map(([k, n]) => `${n} need key ${k}, which is not configured`),
      r.failed ? `${r.failed} did not open (damaged or moved)` : '',
    ].filter(Boolean);
    lines.push(`${r.table}: ${r.resealed} re-sealed${extra.length ? `; ${extra.join('; ')}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatStatus(vault: Vault, usage: readonly KeyUsage[]): string {
  const lines = [`current key: ${vault.keyId}`, `configured keys: ${vault.keyIds.join(', ')}`];
  for (const column of SEALED_COLUMNS) {
    const rows = usage.filter((u) => u.table === column.table);
    if (rows.length === 0) lines.push(`${column.table}: no sealed rows`);
    for (const u of rows) {
      const note = u.current ? 'current' : u.configured ? 'old, needs rotation' : 'NOT CONFIGURED';
      lines.push(`${column.table}: ${u.rows} row(s) under key ${u.keyId} (${note})`);
    }
  }
  const missing = [...new Set(usage.filter((u) => !u.configured).map((u) => u.keyId))];
  const old = usage.filter((u) => u.configured && !u.current).reduce((n, u) => n + u.rows, 0);
  if (missing.length > 0) {
    lines.push(
      `rows need keys that are not configured: ${missing.join(', ')}; add them to ORCA_SECRET_KEYS_OLD`,
    );
  } else if (old > 0) {
    lines.push(`${old} row(s) under old keys: run \`orca keys rotate\``);
  } else {
    lines.push('every secret is under the current key; old keys may be removed');
  }
  return `${lines.join('\n')}\n`;
}

/** The exit status of `orca keys status` and `orca keys rotate`: 1 while rows need a missing key. */
export const needsMissingKey = (usage: readonly KeyUsage[]): boolean => usage.some((u) => !u.configured);
