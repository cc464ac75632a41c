import { sql } from 'kysely';
import { VERSION } from '../../engine/worker.ts';
import type { App, HttpDeps } from '../app.ts';
import { Health } from '../schemas.ts';

const PROBE_TIMEOUT_MS = 3000;

export function healthRoutes(app: App, deps: HttpDeps): void {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness and database readiness',
        description:
          '200 `ok`; 503 `degraded` while the database cannot be reached (the server keeps running and reconnects by itself).',
        response: { 200: Health, 503: Health },
      },
    },
    async (_request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      // A database that does not answer (not only one that refuses) makes the server degraded.
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      });
      const probe = sql`select 1`
        .execute(deps.db)
        .then(() => true)
        .catch(() => false);
      const database = await Promise.race([probe, timeout]);
      clearTimeout(timer);
      return reply
        .status(database ? 200 : 503)
        .send({ status: database ? 'ok' : 'degraded', database, version: VERSION });
    },
  );
}
