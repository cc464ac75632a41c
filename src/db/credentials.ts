import { sql } from 'kysely';
import type { Scope } from '../domain/projects.ts';
import type { Credential } from '../http/schemas.ts';
import type { Db } from './pool.ts';
import { inProjects } from './projects.ts';
import type { CredentialsTable } from './types.ts';

/** Binds a credential's sealed secret to its row. */
export const credentialSecretAad = (credentialId: string) => `credential:${credentialId}`;

interface CredentialRow {
  id: string;
  project_id: string;
  name: string;
  kind: CredentialsTable['kind'];
  fingerprint: string | null;
  created_at: Date;
  updated_at: Date;
  updated_by_name: string | null;
  host_count: number;
}

const toCredential = (r: CredentialRow): Credential => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  kind: r.kind,
  fingerprint: r.fingerprint,
  hostCount: r.host_count,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  updatedBy: r.updated_by_name,
});

function selectCredentials(db: Db, scope: Scope) {
  return db
    .selectFrom('credentials as c')
    .leftJoin('users as u', 'u.id', 'c.updated_by')
    .where(inProjects('c.project_id', scope))
    .select(['c.id', 'c.project_id', 'c.name', 'c.kind', 'c.fingerprint', 'c.created_at', 'c.updated_at'])
    .select('u.username as updated_by_name')
    .select(sql<number>`(select count(*)::int from hosts h where h.credential_id = c.id)`.as('host_count'));
}

export async function listCredentials(db: Db, scope: Scope): Promise<Credential[]> {
  return (await selectCredentials(db, scope).orderBy('c.name').execute()).map(toCredential);
}

export async function getCredential(db: Db, scope: Scope, id: string): Promise<Credential | undefined> {
  const row = await selectCredentials(db, scope).where('c.id', '=', id).executeTakeFirst();
  return row && toCredential(row);
}

export interface SealedSecret {
  readonly kind: CredentialsTable['kind'];
  readonly secret: Buffer;
  readonly keyId: string;
}

export async function getSealedSecret(db: Db, id: string): Promise<SealedSecret | undefined> {
  const row = await db
    .selectFrom('credentials')
    .select(['kind', 'secret', 'key_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { kind: row.kind, secret: row.secret, keyId: row.key_id };
}

export async function insertCredential(
  db: Db,
  c: {
    id: string;
    projectId: string;
    name: string;
    kind: CredentialsTable['kind'];
    secret: Buffer;
    keyId: string;
    fingerprint: string | null;
    createdBy: string | null;
  },
): Promise<void> {
  await db
    .insertInto('credentials')
    .values({
      id: c.id,
      project_id: c.projectId,
      name: c.name,
      kind: c.kind,
      secret: c.secret,
      key_id: c.keyId,
      fingerprint: c.fingerprint,
      created_by: c.createdBy,
      updated_by: c.createdBy,
    })
    .execute();
}

export async function updateCredential(
  db: Db,
  id: string,
  updatedBy: string | null,
  patch: { name?: string; secret?: Buffer; keyId?: string; fingerprint?: string | null },
): Promise<boolean> {
  const r = await db
    .updateTable('credentials')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.secret !== undefined && { secret: patch.secret, key_id: patch.keyId }),
      ...(patch.fingerprint !== undefined && { fingerprint: patch.fingerprint }),
      updated_at: new Date(),
      updated_by: updatedBy,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/**
 * Deletes a credential no host uses. The row lock makes the check and the delete one step: a host
 * being pointed at the credential meanwhile (its foreign key locks the row too) waits or wins.
 */
export async function deleteUnusedCredential(
  db: Db,
  id: string,
): Promise<{ deleted: true } | { deleted: false; usedBy: string[] }> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('credentials')
      .select('id')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { deleted: false, usedBy: [] };
    const users = await tx
      .selectFrom('hosts')
      .select('name')
      .where('credential_id', '=', id)
      .orderBy('name')
      .execute();
    if (users.length > 0) return { deleted: false, usedBy: users.map((u) => u.name) };
    await tx.deleteFrom('credentials').where('id', '=', id).execute();
    return { deleted: true };
  });
}
