import type { FailureKind } from '../connectors/connector.ts';
import type { HostCheck } from '../http/schemas.ts';
import type { Db } from './pool.ts';
import { addTask, Task } from './queue.ts';

/** Queues a connectivity check of a host; a worker answers it through the row. */
export async function createHostCheck(db: Db, hostId: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('host_checks')
      .values({ host_id: hostId, status: 'queued' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await addTask(trx, Task.checkHost, { checkId: row.id });
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

export async function finishHostCheck(
  db: Db,
  id: string,
  r: { ok: boolean; failureKind: FailureKind | null; message: string; latencyMs: number | null },
): Promise<void> {
  await db
    .updateTable('host_checks')
    .set({
      status: r.ok ? 'succeeded' : 'failed',
      failure_kind: r.failureKind,
      message: r.message,
      latency_ms: r.latencyMs,
      finished_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}
