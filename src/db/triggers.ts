/** Inbound webhook triggers of jobs and the log of their calls. */
import type { Trigger, TriggerInvocation } from '../http/trigger-schemas.ts';
import type { Db } from './pool.ts';

export const triggerSecretAad = (triggerId: string) => `trigger-secret:${triggerId}`;
export const hookPath = (triggerId: string) => `/api/v1/hooks/${triggerId}`;

function selectTriggers(db: Db) {
  return db
    .selectFrom('job_triggers as t')
    .leftJoin('users as u', 'u.id', 't.created_by')
    .select([
      't.id',
      't.job_id',
      't.name',
      't.token_prefix',
      't.mapping',
      't.fixed_values',
      't.targets',
      't.version',
      't.priority',
      'u.username as created_by_name',
      't.created_at',
      't.last_used_at',
      't.revoked_at',
    ]);
}

type TriggerRow = Awaited<ReturnType<ReturnType<typeof selectTriggers>['executeTakeFirstOrThrow']>>;

const toTrigger =
  (publicUrl: string) =>
  (r: TriggerRow): Trigger => ({
    id: r.id,
    jobId: r.job_id,
    name: r.name,
    url: `${publicUrl}${hookPath(r.id)}`,
    tokenPrefix: r.token_prefix,
    mapping: r.mapping,
    values: r.fixed_values,
    targets: (r.targets ?? null) as Trigger['targets'],
    version: r.version,
    priority: r.priority,
    createdBy: r.created_by_name ?? null,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  });

export async function listTriggers(db: Db, jobId: string, publicUrl: string): Promise<Trigger[]> {
  const rows = await selectTriggers(db).where('t.job_id', '=', jobId).orderBy('t.created_at').execute();
  return rows.map(toTrigger(publicUrl));
}

export async function getTrigger(db: Db, id: string, publicUrl: string): Promise<Trigger | undefined> {
  const row = await selectTriggers(db).where('t.id', '=', id).executeTakeFirst();
  return row && toTrigger(publicUrl)(row);
}

export async function insertTrigger(
  db: Db,
  t: {
    id: string;
    jobId: string;
    name: string;
    tokenHash: string;
    tokenPrefix: string;
    sealed: { data: Buffer; keyId: string };
    mapping: Record<string, string>;
    values: Record<string, unknown>;
    targets: unknown;
    version: number | null;
    priority: number;
    createdBy: string | null;
  },
): Promise<void> {
  await db
    .insertInto('job_triggers')
    .values({
      id: t.id,
      job_id: t.jobId,
      name: t.name,
      token_hash: t.tokenHash,
      token_prefix: t.tokenPrefix,
      secret: t.sealed.data,
      key_id: t.sealed.keyId,
      mapping: JSON.stringify(t.mapping),
      fixed_values: JSON.stringify(t.values),
      targets: t.targets === null ? null : JSON.stringify(t.targets),
      version: t.version,
      priority: t.priority,
      created_by: t.createdBy,
    })
    .execute();
}

export async function revokeTrigger(db: Db, jobId: string, id: string): Promise<boolean> {
  const r = await db
    .updateTable('job_triggers')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('job_id', '=', jobId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** What a call needs to authenticate and launch; null for an unknown or revoked trigger. */
export async function activeTrigger(db: Db, id: string) {
  return (
    (await db
      .selectFrom('job_triggers')
      .select([
        'id',
        'job_id',
        'token_hash',
        'secret',
        'key_id',
        'mapping',
        'fixed_values',
        'targets',
        'version',
        'priority',
        'created_by',
      ])
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()) ?? null
  );
}

export async function recordInvocation(
  db: Db,
  i: {
    triggerId: string;
    remoteAddress: string | null;
    status: number;
    runId: string | null;
    error: string | null;
  },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('trigger_invocations')
      .values({
        trigger_id: i.triggerId,
        remote_address: i.remoteAddress,
        status: i.status,
        run_id: i.runId,
        error: i.error,
      })
      .execute();
    await trx
      .updateTable('job_triggers')
      .set({ last_used_at: new Date() })
      .where('id', '=', i.triggerId)
      .execute();
  });
}

export async function listInvocations(db: Db, triggerId: string, limit = 100): Promise<TriggerInvocation[]> {
  const rows = await db
    .selectFrom('trigger_invocations')
    .selectAll()
    .where('trigger_id', '=', triggerId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    at: r.at.toISOString(),
    remoteAddress: r.remote_address,
    status: r.status,
    runId: r.run_id,
    error: r.error,
  }));
}
