import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { getCredential } from '../../db/credentials.ts';
import { setHostGroups } from '../../db/groups.ts';
import { createHostCheck, getHostCheck } from '../../db/host-checks.ts';
import {
  acceptPendingHostKey,
  deleteHost,
  getHost,
  hostsJumpingVia,
  insertHost,
  jumpChain,
  listHosts,
  resolveHosts,
  updateHost,
} from '../../db/hosts.ts';
import { loadInventory } from '../../db/inventory.ts';
import { ErrorCode, invalid, notFound, OrcaError } from '../../domain/errors.ts';
import { resolveConnection } from '../../domain/host-settings.ts';
import { jumpChainProblem, MAX_JUMP_HOPS } from '../../domain/jump-chain.ts';
import { onlyProject } from '../../domain/projects.ts';
import type { App, HttpDeps } from '../app.ts';
import { requireGroups } from '../inventory-refs.ts';
import { HostListQuery } from '../inventory-schemas.ts';
import { selectorPredicate } from '../launch.ts';
import { conflictOnForeignKey, conflictOnUnique } from '../pg-errors.ts';
import { CreateHost, Host, HostCheck, IdParams, UpdateHost } from '../schemas.ts';
import { found, projectFilter, targetProject } from '../scope.ts';

const NOT_IN_PROJECT = "in the host's project; a host uses credentials of its own project";

/** A host's credential, looked up in the host's project only. */
async function requireCredential(deps: HttpDeps, projectId: string, id: string): Promise<void> {
  if (!(await getCredential(deps.db, onlyProject(projectId), id)))
    throw invalid('body.credentialId', `credential ${id} does not exist ${NOT_IN_PROJECT}`);
}

/** sudo takes a password: the become credential must be one. */
async function requireBecomeCredential(
  deps: HttpDeps,
  projectId: string,
  id: string | null | undefined,
): Promise<void> {
  if (!id) return;
  const c = await getCredential(deps.db, onlyProject(projectId), id);
  if (!c) throw invalid('body.becomeCredentialId', `credential ${id} does not exist ${NOT_IN_PROJECT}`);
  if (c.kind !== 'password') {
    throw invalid(
      'body.becomeCredentialId',
      `credential ${c.name} is ${c.kind}; sudo needs a password credential`,
    );
  }
}

/** The id of the bastion `jumpHost` names, after checking the chain it leads to; null for none. */
async function resolveJumpHost(
  deps: HttpDeps,
  jumpHost: string | null,
  host: { id: string | null; name: string; projectId: string },
): Promise<string | null> {
  if (jumpHost === null) return null;
  const { hosts } = await resolveHosts(deps.db, onlyProject(host.projectId), [jumpHost]);
  const jump = hosts[0];
  if (!jump) throw invalid('body.jumpHost', `no host named ${jumpHost} in the host's project`);
  const problem = jumpChainProblem(host, await jumpChain(deps.db, jump.id, MAX_JUMP_HOPS + 2));
  if (problem) throw invalid('body.jumpHost', problem);
  return jump.id;
}

export function hostRoutes(app: App, deps: HttpDeps): void {
  const get = (request: FastifyRequest, id: string) =>
    found(request, 'host', id, (scope) => getHost(deps.db, scope, id));

  app.get(
    '/hosts',
    {
      schema: {
        tags: ['hosts'],
        summary: 'The inventory; filtered by a selector, a health state or an OS (facts)',
        querystring: HostListQuery,
        response: { 200: Type.Array(Host) },
      },
    },
    async (request) => {
      const { selector, project, ...filters } = request.query;
      const select = selector !== undefined ? selectorPredicate(selector, 'querystring') : null;
      const scope = await projectFilter(deps.db, request.scope, project);
      const hosts = await listHosts(deps.db, scope, filters);
      if (!select) return hosts;
      const picked = new Set((await loadInventory(deps.db, scope)).filter(select).map((h) => h.id));
      return hosts.filter((h) => picked.has(h.id));
    },
  );

  app.get(
    '/hosts/:id',
    { schema: { tags: ['hosts'], summary: 'One host', params: IdParams, response: { 200: Host } } },
    async (request) => get(request, request.params.id),
  );

  app.post(
    '/hosts',
    {
      config: { access: 'operator' },
      schema: { tags: ['hosts'], summary: 'Register a host', body: CreateHost, response: { 201: Host } },
    },
    async (request, reply) => {
      const b = request.body;
      const projectId = await targetProject(deps.db, request, b.projectId);
      await requireCredential(deps, projectId, b.credentialId);
      await requireBecomeCredential(deps, projectId, b.becomeCredentialId);
      const settings = resolveConnection(b);
      const jumpHostId = await resolveJumpHost(deps, b.jumpHost ?? null, {
        id: null,
        name: b.name,
        projectId,
      });
      const groups = await requireGroups(deps.db, onlyProject(projectId), b.groups ?? [], 'body.groups');
      const id = await deps.db
        .transaction()
        .execute(async (trx) => {
          const id = await insertHost(trx, {
            projectId,
            name: b.name,
            address: b.address,
            settings,
            username: b.username,
            credentialId: b.credentialId,
            becomeCredentialId: b.becomeCredentialId ?? null,
            jumpHostId,
            tags: b.tags,
            labels: b.labels,
            pool: b.pool ?? null,
          });
          await setHostGroups(trx, id, groups);
          return id;
        })
        .catch(conflictOnUnique(`a host named ${b.name} already exists`));
      return reply.status(201).send(await get(request, id));
    },
  );

  app.patch(
    '/hosts/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['hosts'],
        summary: 'Change a host',
        params: IdParams,
        body: UpdateHost,
        response: { 200: Host },
      },
    },
    async (request) => {
      const { os, transport, shell, port, winrm, jumpHost, groups: groupNames, ...b } = request.body;
      const current = await get(request, request.params.id);
      const here = onlyProject(current.projectId);
      if (b.credentialId) await requireCredential(deps, current.projectId, b.credentialId);
      await requireBecomeCredential(deps, current.projectId, b.becomeCredentialId);
      const groups = groupNames && (await requireGroups(deps.db, here, groupNames, 'body.groups'));
      const settings = resolveConnection({ os, transport, shell, port, winrm }, current);
      const jumpHostId = await resolveJumpHost(deps, jumpHost === undefined ? current.jumpHost : jumpHost, {
        id: current.id,
        name: b.name ?? current.name,
        projectId: current.projectId,
      });
      const users = settings.transport === 'ssh' ? [] : await hostsJumpingVia(deps.db, current.id);
      if (users.length > 0) {
        throw invalid(
          'body.transport',
          `${current.name} is the bastion of ${users.join(', ')}; a bastion must stay an SSH host`,
        );
      }
      const moved =
        (b.address !== undefined && b.address !== current.address) ||
        settings.port !== current.port ||
        settings.transport !== current.transport;
      const updated = await deps.db
        .transaction()
        .execute(async (trx) => {
          const updated = await updateHost(trx, request.params.id, { ...b, settings, jumpHostId }, moved);
          if (updated && groups) await setHostGroups(trx, request.params.id, groups);
          return updated;
        })
        .catch(conflictOnUnique(`a host named ${b.name} already exists`));
      if (!updated) throw notFound('host', request.params.id);
      return get(request, request.params.id);
    },
  );

  app.delete(
    '/hosts/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['hosts'],
        summary: 'Remove a host (its run history stays)',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const host = await get(request, request.params.id);
      const users = await hostsJumpingVia(deps.db, request.params.id);
      if (users.length > 0) {
        throw new OrcaError(
          ErrorCode.conflict,
          `host ${host.name} is the bastion of ${users.join(', ')}; give them another jumpHost (or none) first`,
          users.map((name) => ({ path: 'jumpHost', message: `${name} goes through ${host.name}` })),
        );
      }
      const deleted = await deleteHost(deps.db, host.id).catch(
        conflictOnForeignKey('the host is still referenced'),
      );
      if (!deleted) throw notFound('host', request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/hosts/:id/test',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['hosts'],
        summary: 'Test connection: a worker connects, authenticates, checks the host key and runs `true`',
        params: IdParams,
        response: { 200: HostCheck },
      },
    },
    async (request) => {
      const host = await get(request, request.params.id);
      const checkId = await createHostCheck(deps.db, request.params.id);
      const waitMs = deps.config.connectTimeoutMs * 2 + 5000;
      const deadline = Date.now() + waitMs;
      while (Date.now() < deadline) {
        await deps.hub.waitForCheck(checkId, Math.min(1000, deadline - Date.now()));
        const check = await getHostCheck(deps.db, checkId);
        if (check?.done) {
          const { done: _, hostId: __, ...result } = check;
          return result;
        }
      }
      const within = `within ${Math.round(waitMs / 1000)} s`;
      throw new OrcaError(
        ErrorCode.unavailable,
        host.pool
          ? `no worker of pool ${host.pool} answered ${within}; start one with \`orca worker --tags ${host.pool}\``
          : `no worker answered ${within}; check that an orca worker is running`,
      );
    },
  );

  app.post(
    '/hosts/:id/accept-host-key',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['hosts'],
        summary: 'Trust the host key the host presented last (after a host-key failure)',
        params: IdParams,
        response: { 200: Host },
      },
    },
    async (request) => {
      const host = await get(request, request.params.id);
      if (!(await acceptPendingHostKey(deps.db, host.id))) {
        throw new OrcaError(ErrorCode.conflict, `host ${host.name} has no new key waiting to be accepted`);
      }
      return get(request, host.id);
    },
  );
}
