import { sql } from 'kysely';
import { VERSION } from '../../engine/worker.ts';
import type { App, HttpDeps } from '../app.ts';
import { Health } from '../schemas.ts';

export function healthRoutes(app: App, deps: HttpDeps): void {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness and database readiness',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      const database = await sql`select 1`
        .execute(deps.db)
        .then(() => true)
        .catch(() => false);
      return reply.status(database ? 200 : 503).send({ status: 'ok', database, version: VERSION });
    },
  );
}
