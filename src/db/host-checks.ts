import { sql } from 'kysely';
import type { FailureKind } from '../connectors/connector.ts';
import type { HostFacts } from '../domain/host-facts.ts';
import type { HostCheck } from '../http/schemas.ts';
import type { Db } from './pool.ts';
import { addRoutedTasks, addTask, routed, Task } from './queue.ts';

/** Queues a connectivity check of a host; a worker answers it through the row. */
export async function createHostCheck(
  db: Db,
  hostId: string,
  source: 'manual' | 'health' = 'manual',
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('host_checks')
      .values({ host_id: hostId, status: 'queued', source })
      .returning((eb) => ['id', eb.selectFrom('hosts').select('pool').where('id', '=', hostId).as('pool')])
      .executeTakeFirstOrThrow();
    await addTask(trx, routed(Task.checkHost, row.pool), { checkId: row.id });
    return row.id;
  });
}

export async function getHostCheck(
  db: Db,
  id: string,
): Promise<(HostCheck & { done: boolean; hostId: string }) | undefined> {
  const row = await db
    .selectFrom('host_checks')
    .select(['host_id', 'status', 'failure_kind', 'message', 'latency_ms', 'created_at', 'finished_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    hostId: row.host_id,
    done: row.status !== 'queued',
    ok: row.status === 'succeeded',
    failureKind: row.failure_kind as FailureKind | null,
    message: row.message ?? '',
    latencyMs: row.latency_ms,
    checkedAt: (row.finished_at ?? row.created_at).toISOString(),
  };
}

/** Records a check's result, and the host's health with it. */
export async function finishHostCheck(
  db: Db,
  id: string,
  r: { ok: boolean; failureKind: FailureKind | null; message: string; latencyMs: number | null },
): Promise<void> {
  const now = new Date();
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('host_checks')
      .set({
        status: r.ok ? 'succeeded' : 'failed',
        failure_kind: r.failureKind,
        message: r.message,
        latency_ms: r.latencyMs,
        finished_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .returning('host_id')
      .executeTakeFirst();
    if (!row) return;
    await trx
      .updateTable('hosts')
      .set({
        health_status: r.ok ? 'up' : 'down',
        health_latency_ms: r.latencyMs,
        health_failure_kind: r.failureKind,
        health_message: r.message,
        health_checked_at: now,
      })
      .where('id', '=', row.host_id)
      .execute();
  });
}

export async function recordFacts(db: Db, hostId: string, facts: HostFacts): Promise<void> {
  await db
    .updateTable('hosts')
    .set({ facts: JSON.stringify(facts), facts_gathered_at: new Date() })
    .where('id', '=', hostId)
    .execute();
}

/** Serialises health sweeps across every server sharing the database. */
const HEALTH_SWEEP_LOCK = sql`hashtext('orca.health-sweep')`;

/**
 * Queues health checks of hosts whose last check is older than `intervalMs`, keeping at most
 * `concurrency` health checks in flight. One sweep at a time across all servers (an advisory
 * lock held for the transaction); a sweep that finds the lock taken does nothing. Checks queued
 * longer than `staleMs` ago (their worker died) no longer count as in flight.
 */
export async function queueDueHealthChecks(
  db: Db,
  o: { intervalMs: number; concurrency: number; staleMs: number },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const lock = await sql<{
      ok: boolean;
    }>`select pg_try_advisory_xact_lock(${HEALTH_SWEEP_LOCK}) as ok`.execute(trx);
    if (!lock.rows[0]?.ok) return 0;
    const staleBefore = new Date(Date.now() - o.staleMs);
    const inFlight = await trx
      .selectFrom('host_checks')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'queued')
      .where('source', '=', 'health')
      .where('created_at', '>', staleBefore)
      .executeTakeFirstOrThrow();
    const slots = o.concurrency - Number(inFlight.n);
    if (slots <= 0) return 0;
    const due = await trx
      .selectFrom('hosts as h')
      .select(['h.id', 'h.pool'])
      .where((eb) =>
        eb.or([
          eb('h.health_checked_at', 'is', null),
          eb('h.health_checked_at', '<', new Date(Date.now() - o.intervalMs)),
        ]),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('host_checks as k')
              .select('k.id')
              .whereRef('k.host_id', '=', 'h.id')
              .where('k.status', '=', 'queued')
              .where('k.created_at', '>', staleBefore),
          ),
        ),
      )
      .orderBy(sql`h.health_checked_at nulls first`)
      .limit(slots)
      .execute();
    if (due.length === 0) return 0;
    const rows = await trx
      .insertInto('host_checks')
      .values(due.map((h) => ({ host_id: h.id, status: 'queued' as const, source: 'health' as const })))
      .returning(['id', 'host_id'])
      .execute();
    const poolOf = new Map(due.map((h) => [h.id, h.pool]));
    await addRoutedTasks(
      trx,
      rows.map((r) => ({
        identifier: routed(Task.checkHost, poolOf.get(r.host_id) ?? null),
        payload: { checkId: r.id },
      })),
    );
    return rows.length;
  });
}
