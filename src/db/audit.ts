/** The audit log: appended by the HTTP layer (every change) and the scheduler; never changed. */
import { sql } from 'kysely';
import type { AuditEntry } from '../http/audit-schemas.ts';
import type { Db } from './pool.ts';
import type { AuditLogTable } from './types.ts';

export interface NewAuditEntry {
  readonly actor: string;
  readonly userId: string | null;
  readonly via: AuditLogTable['via'];
  readonly address: string | null;
  readonly method: string;
  readonly route: string;
  readonly path: string;
  readonly action: string;
  readonly targetId: string | null;
  readonly status: number;
  readonly request?: unknown;
  readonly before?: unknown;
  readonly after?: unknown;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export async function appendAudit(db: Db, e: NewAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: e.actor,
      user_id: e.userId,
      via: e.via,
      address: e.address,
      method: e.method,
      route: e.route,
      path: e.path,
      action: e.action,
      target_id: e.targetId,
      status: e.status,
      request: json(e.request),
      before: json(e.before),
      after: json(e.after),
    })
    .execute();
}

export interface AuditFilter {
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly target?: string | undefined;
  /** Text anywhere in the entry (path, bodies). */
  readonly q?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly failed?: boolean | undefined;
  /** Entries older than this id (paging). */
  readonly before?: number | undefined;
  readonly limit: number;
}

export async function listAudit(db: Db, f: AuditFilter): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.actor) q = q.where('actor', '=', f.actor);
  if (f.action) q = q.where('action', 'like', `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.target) q = q.where('target_id', '=', f.target);
  if (f.from) q = q.where('at', '>=', new Date(f.from));
  if (f.to) q = q.where('at', '<', new Date(f.to));
  if (f.failed) q = q.where('status', '>=', 400);
  if (f.before) q = q.where('id', '<', String(f.before));
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(
      sql<boolean>`(path ilike ${like} or actor ilike ${like} or coalesce(request::text, '') ilike ${like} or coalesce(before::text, '') ilike ${like} or coalesce(after::text, '') ilike ${like})`,
    );
  }
  const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at.toISOString(),
    actor: r.actor,
    via: r.via,
    address: r.address,
    method: r.method,
    route: r.route,
    path: r.path,
    action: r.action,
    targetId: r.target_id,
    status: r.status,
    request: r.request ?? null,
    before: r.before ?? null,
    after: r.after ?? null,
  }));
}
