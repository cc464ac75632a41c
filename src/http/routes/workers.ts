/** `GET /workers` and `GET /executor/status`: who executes, and what waits. */
import { Type } from '@sinclair/typebox';
import { executorStatus, listWorkers } from '../../db/worker-status.ts';
import type { App, HttpDeps } from '../app.ts';
import { ExecutorStatus, WorkerView } from '../worker-schemas.ts';

export function workerRoutes(app: App, deps: HttpDeps): void {
  app.get(
    '/workers',
    {
      schema: {
        tags: ['workers'],
        summary: 'Workers: alive, silent (lease expired) and stopped, with what each runs',
        response: { 200: Type.Array(WorkerView) },
      },
    },
    async () => listWorkers(deps.db, deps.config.leaseTimeoutMs),
  );

  app.get(
    '/executor/status',
    {
      schema: {
        tags: ['workers'],
        summary: 'Executions queued, waiting for their strategy and running; worker capacity; queue tasks',
        response: { 200: ExecutorStatus },
      },
    },
    async () => executorStatus(deps.db, deps.config.leaseTimeoutMs),
  );
}
