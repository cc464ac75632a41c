/** `GET /audit` (search and filter) and `GET /audit/export` (JSON lines), for admins. */
import { Type } from '@sinclair/typebox';
import { listAudit } from '../../db/audit.ts';
import type { App, HttpDeps } from '../app.ts';
import { AuditEntry, AuditQuery } from '../audit-schemas.ts';

export function auditRoutes(app: App, deps: HttpDeps): void {
  app.get(
    '/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first, filtered',
        querystring: AuditQuery,
        response: { 200: Type.Array(AuditEntry) },
      },
    },
    async (request) => listAudit(deps.db, { ...request.query, limit: request.query.limit ?? 100 }),
  );

  app.get(
    '/audit/export',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log as JSON lines (one entry a line), with the same filters',
        querystring: AuditQuery,
      },
    },
    async (request, reply) => {
      const limit = request.query.limit ?? 1000;
      let before = request.query.before;
      reply.header('content-type', 'application/x-ndjson; charset=utf-8');
      reply.header('content-disposition', 'attachment; filename="orca-audit.jsonl"');
      const lines: string[] = [];
      // Pages of 1000 up to 100 000 entries.
      for (let page = 0; page < 100; page++) {
        const rows = await listAudit(deps.db, { ...request.query, before, limit: Math.min(limit, 1000) });
        for (const r of rows) lines.push(JSON.stringify(r));
        if (rows.length < Math.min(limit, 1000) || lines.length >= limit) break;
        before = rows.at(-1)?.id;
      }
      return reply.send(`${lines.slice(0, Math.max(limit, 1000)).join('\n')}${lines.length ? '\n' : ''}`);
    },
  );
}
