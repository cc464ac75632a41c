import { sql } from 'kysely';
import type { LogEvent } from '../http/schemas.ts';
import type { Db } from './pool.ts';
import type { ExecutionEventsTable } from './types.ts';

export interface NewEvent {
  readonly executionId: string;
  readonly seq: number;
  readonly kind: ExecutionEventsTable['kind'];
  readonly data: string;
  readonly step?: number | null | undefined;
}

/**
 * Appends a batch of events in one statement. Idempotent: a batch written again after its
 * answer was lost (the connection dropped after the commit) adds nothing twice.
 */
export async function appendEvents(db: Db, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('execution_events')
    .values(
      events.map((e) => ({
        execution_id: e.executionId,
        seq: e.seq,
        kind: e.kind,
        data: e.data,
        step: e.step ?? null,
      })),
    )
    .onConflict((oc) => oc.columns(['execution_id', 'seq']).doNothing())
    .execute();
}

const toEvent = (r: {
  execution_id: string;
  seq: number;
  kind: LogEvent['kind'];
  data: string;
  at: Date;
  step: number | null;
}): LogEvent => ({
  executionId: r.execution_id,
  seq: r.seq,
  kind: r.kind,
  data: r.data,
  at: r.at.toISOString(),
  step: r.step,
});

/** Events of one execution after a sequence number, in order. */
export async function listEvents(
  db: Db,
  executionId: string,
  after: number,
  limit: number,
): Promise<LogEvent[]> {
  const rows = await db
    .selectFrom('execution_events')
    .select(['execution_id', 'seq', 'kind', 'data', 'at', 'step'])
    .where('execution_id', '=', executionId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}

/**
 * Events of every execution of a run after a per-execution cursor (missing → 0), ordered by
 * execution then sequence.
 */
export async function listRunEvents(
  db: Db,
  runId: string,
  after: Readonly<Record<string, number>>,
  limit: number,
): Promise<LogEvent[]> {
  const cursor = JSON.stringify(after);
  const rows = await db
    .selectFrom('execution_events as ev')
    .innerJoin('executions as e', 'e.id', 'ev.execution_id')
    .select(['ev.execution_id', 'ev.seq', 'ev.kind', 'ev.data', 'ev.at', 'ev.step'])
    .where('e.run_id', '=', runId)
    .where('ev.seq', '>', sql<number>`coalesce((${cursor}::jsonb ->> ev.execution_id::text)::int, 0)`)
    .orderBy('e.host_name')
    .orderBy('ev.execution_id')
    .orderBy('ev.seq')
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}

export const Channel = {
  /** `{ run, status }`: new events of a run; status true when a status changed too. */
  run: 'orca_run',
  /** `{ executions: [...] }`: stop these executions now. */
  cancel: 'orca_cancel',
  /** `{ id }`: a host check finished. */
  hostCheck: 'orca_host_check',
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

export async function notify(db: Db, channel: Channel, payload: Record<string, unknown>): Promise<void> {
  await sql`select pg_notify(${channel}, ${JSON.stringify(payload)})`.execute(db);
}
