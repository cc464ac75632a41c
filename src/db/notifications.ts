/**
 * Notification rules and deliveries. Deliveries are created in the transaction that changes a
 * run's status, with their queue tasks, so a status change never loses its notification and a
 * notification never exists without its delivery row.
 */
import { sql } from 'kysely';
import { type NotificationEvent, runEvents } from '../domain/notifications.ts';
import type { Scope } from '../domain/projects.ts';
import type { NotificationDelivery, NotificationRule } from '../http/notification-schemas.ts';
import type { Db } from './pool.ts';
import { inProjects } from './projects.ts';
import { addTasks, REPORTING_PRIORITY, Task } from './queue.ts';

export const notificationSecretAad = (ruleId: string) => `notification-secret:${ruleId}`;

/** A rule follows its job's project; a rule for every job (no job) is seen by admins only. */
function selectRules(db: Db, scope: Scope) {
  return db
    .selectFrom('notification_rules as r')
    .leftJoin('jobs as j', 'j.id', 'r.job_id')
    .where(inProjects('j.project_id', scope))
    .select([
      'r.id',
      'r.name',
      'r.job_id',
      'j.name as job_name',
      'r.events',
      'r.kind',
      'r.url',
      'r.recipients',
      'r.key_id',
      'r.enabled',
      'r.created_at',
      'r.updated_at',
    ]);
}

type RuleRow = Awaited<ReturnType<ReturnType<typeof selectRules>['executeTakeFirstOrThrow']>>;

const toRule = (r: RuleRow): NotificationRule => ({
  id: r.id,
  name: r.name,
  job: r.job_id ? { id: r.job_id, name: r.job_name ?? '' } : null,
  events: r.events,
  kind: r.kind,
  url: r.url,
  recipients: r.recipients,
  signed: r.key_id !== null,
  enabled: r.enabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function listRules(db: Db, scope: Scope): Promise<NotificationRule[]> {
  return (await selectRules(db, scope).orderBy('r.name').execute()).map(toRule);
}

export async function getRule(db: Db, scope: Scope, id: string): Promise<NotificationRule | undefined> {
  const row = await selectRules(db, scope).where('r.id', '=', id).executeTakeFirst();
  return row && toRule(row);
}

export interface RuleValues {
  readonly name: string;
  readonly jobId: string | null;
  readonly events: readonly NotificationEvent[];
  readonly kind: 'webhook' | 'email';
  readonly url: string | null;
  readonly recipients: readonly string[] | null;
  readonly sealed: { readonly data: Buffer; readonly keyId: string } | null;
  readonly enabled: boolean;
}

export async function insertRule(db: Db, id: string, v: RuleValues, createdBy: string | null): Promise<void> {
  await db
    .insertInto('notification_rules')
    .values({
      id,
      name: v.name,
      job_id: v.jobId,
      events: [...v.events],
      kind: v.kind,
      url: v.url,
      recipients: v.recipients ? [...v.recipients] : null,
      secret: v.sealed?.data ?? null,
      key_id: v.sealed?.keyId ?? null,
      enabled: v.enabled,
      created_by: createdBy,
    })
    .execute();
}

export async function updateRule(db: Db, id: string, v: Partial<Omit<RuleValues, 'kind'>>): Promise<boolean> {
  const r = await db
    .updateTable('notification_rules')
    .set({
      ...(v.name !== undefined && { name: v.name }),
      ...(v.jobId !== undefined && { job_id: v.jobId }),
      ...(v.events !== undefined && { events: [...v.events] }),
      ...(v.url !== undefined && { url: v.url }),
      ...(v.recipients !== undefined && { recipients: v.recipients ? [...v.recipients] : null }),
      ...(v.sealed !== undefined && { secret: v.sealed?.data ?? null, key_id: v.sealed?.keyId ?? null }),
      ...(v.enabled !== undefined && { enabled: v.enabled }),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function deleteRule(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('notification_rules').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/**
 * Inside the status change's transaction: one delivery (and one queue task) per enabled rule that
 * covers the run and the event. A rule scoped to a job covers only that job's runs.
 */
export async function queueNotifications(
  trx: Db,
  run: { readonly id: string; readonly jobId: string | null },
  prev: string,
  next: string,
): Promise<void> {
  const events = runEvents(prev, next);
  if (events.length === 0) return;
  const created = await sql<{ id: string }>`
    insert into notification_deliveries (rule_id, run_id, event)
    select r.id, ${run.id}::uuid, e.event
    from notification_rules r
    cross join unnest(${events}::text[]) as e (event)
    where r.enabled and e.event = any (r.events)
      and (r.job_id is null or r.job_id = ${run.jobId}::uuid)
    on conflict (rule_id, run_id, event) do nothing
    returning id`.execute(trx);
  await addTasks(
    trx,
    Task.notify,
    created.rows.map((d) => ({ deliveryId: d.id })),
    REPORTING_PRIORITY,
  );
}

/** Everything one delivery attempt needs. */
export async function loadDelivery(db: Db, id: string) {
  return db
    .selectFrom('notification_deliveries as d')
    .innerJoin('notification_rules as r', 'r.id', 'd.rule_id')
    .select([
      'd.id',
      'd.run_id',
      'd.event',
      'd.status',
      'd.attempts',
      'r.id as rule_id',
      'r.name as rule_name',
      'r.kind',
      'r.url',
      'r.recipients',
      'r.secret',
      'r.key_id',
    ])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

export async function recordAttempt(
  db: Db,
  id: string,
  outcome: {
    readonly status: 'pending' | 'delivered' | 'failed';
    readonly error: string | null;
    readonly responseStatus: number | null;
  },
): Promise<void> {
  const now = new Date();
  await db
    .updateTable('notification_deliveries')
    .set((eb) => ({
      status: outcome.status,
      attempts: eb('attempts', '+', 1),
      last_error: outcome.error,
      response_status: outcome.responseStatus,
      updated_at: now,
      ...(outcome.status === 'delivered' && { delivered_at: now }),
    }))
    .where('id', '=', id)
    .execute();
}

/** Deliveries of the runs in the scope. */
export async function listDeliveries(
  db: Db,
  scope: Scope,
  q: { rule?: string | undefined; run?: string | undefined; status?: string | undefined; limit: number },
): Promise<NotificationDelivery[]> {
  let query = db
    .selectFrom('notification_deliveries as d')
    .innerJoin('notification_rules as r', 'r.id', 'd.rule_id')
    .innerJoin('runs as ru', 'ru.id', 'd.run_id')
    .where(inProjects('ru.project_id', scope))
    .selectAll('d')
    .select(['r.name as rule_name', 'r.kind']);
  if (q.rule) query = query.where('d.rule_id', '=', q.rule);
  if (q.run) query = query.where('d.run_id', '=', q.run);
  if (q.status) query = query.where('d.status', '=', q.status as 'pending');
  const rows = await query.orderBy('d.created_at', 'desc').orderBy('d.id').limit(q.limit).execute();
  return rows.map((d) => ({
    id: d.id,
    ruleId: d.rule_id,
    ruleName: d.rule_name,
    kind: d.kind,
    runId: d.run_id,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    lastError: d.last_error,
    responseStatus: d.response_status,
    createdAt: d.created_at.toISOString(),
    updatedAt: d.updated_at.toISOString(),
    deliveredAt: d.delivered_at?.toISOString() ?? null,
  }));
}
