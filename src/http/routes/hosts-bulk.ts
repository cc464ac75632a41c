/**
 * Operations on many hosts at once, picked by names, globs, a selector or both. Tag, untag and
 * delete are all-or-nothing (one statement each); test queues one connectivity check per host.
 */
import { changeHostTags, deleteHosts } from '../../db/host-bulk.ts';
import { createHostCheck, getHostCheck } from '../../db/host-checks.ts';
import { invalid } from '../../domain/errors.ts';
import type { App, HttpDeps } from '../app.ts';
import { HostsBulk, HostsBulkResult } from '../inventory-schemas.ts';
import { resolveTargets } from '../launch.ts';
import type { HostCheck } from '../schemas.ts';

export function hostBulkRoutes(app: App, deps: HttpDeps): void {
  /** Waits for the checks until all are answered or the connect deadline passes. */
  async function awaitChecks(checks: { checkId: string }[]): Promise<(HostCheck | null)[]> {
    const deadline = Date.now() + deps.config.connectTimeoutMs * 2 + 5000;
    const results = new Map<string, HostCheck>();
    for (const { checkId } of checks) {
      while (!results.has(checkId)) {
        const check = await getHostCheck(deps.db, checkId);
        if (check?.done) {
          const { done: _, hostId: __, ...result } = check;
          results.set(checkId, result);
        } else if (Date.now() >= deadline) break;
        else await deps.hub.waitForCheck(checkId, Math.min(1000, deadline - Date.now()));
      }
    }
    return checks.map((c) => results.get(c.checkId) ?? null);
  }

  app.post(
    '/hosts/bulk',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['hosts'],
        summary: 'Tag, untag, delete or test many hosts, picked by names, globs and/or a selector',
        description:
          'tag, untag and delete change every host or none. Deleting a host keeps its run history; ' +
          'its executions that have not started yet fail with "host was deleted". test returns one check ' +
          'per host, with a null result for hosts no worker answered in time.',
        body: HostsBulk,
        response: { 200: HostsBulkResult },
      },
    },
    async (request) => {
      const b = request.body;
      if ((b.action === 'tag' || b.action === 'untag') && !b.tags) {
        throw invalid('body.tags', `name the tags to ${b.action === 'tag' ? 'add' : 'remove'}`);
      }
      const { hosts: found, unmatched } = await resolveTargets(
        deps.db,
        request.scope,
        { hosts: b.hosts, selector: b.selector },
        'body',
      );
      if (unmatched.length > 0) {
        throw invalid('body.hosts', `no host matches ${unmatched.slice(0, 20).join(', ')}`);
      }
      const hosts = found.map((h) => ({ id: h.id, name: h.name }));
      if (b.action === 'test') {
        const checks: { hostId: string; hostName: string; checkId: string }[] = [];
        for (const h of hosts) {
          checks.push({ hostId: h.id, hostName: h.name, checkId: await createHostCheck(deps.db, h.id) });
        }
        const results = await awaitChecks(checks);
        return {
          action: b.action,
          hosts,
          checks: checks.map((c, i) => ({ ...c, result: results[i] ?? null })),
        };
      }
      const ids = hosts.map((h) => h.id);
      if (b.action === 'delete') await deleteHosts(deps.db, ids);
      else await changeHostTags(deps.db, ids, b.tags ?? [], b.action === 'tag');
      return { action: b.action, hosts, checks: [] };
    },
  );
}
