/** Host groups: list, create, change (fields, nested groups, members) and delete. */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  deleteGroup,
  getGroup,
  groupEdges,
  insertGroup,
  listGroups,
  lockGroupNesting,
  setGroupChildren,
  setGroupHosts,
  updateGroup,
} from '../../db/groups.ts';
import type { Db } from '../../db/pool.ts';
import { ErrorCode, notFound, OrcaError } from '../../domain/errors.ts';
import { nestingPath } from '../../domain/groups.ts';
import { EVERY_PROJECT, onlyProject } from '../../domain/projects.ts';
import type { App, HttpDeps } from '../app.ts';
import { requireGroups, requireHosts } from '../inventory-refs.ts';
import { CreateGroup, Group, UpdateGroup } from '../inventory-schemas.ts';
import { conflictOnUnique } from '../pg-errors.ts';
import { ProjectQuery } from '../project-schemas.ts';
import { IdParams } from '../schemas.ts';
import { found, projectFilter, targetProject } from '../scope.ts';

/** Refuses children that would put the group inside itself, naming the nesting that already exists. */
async function checkNesting(db: Db, id: string, name: string, childIds: readonly string[]): Promise<void> {
  const edges = (await groupEdges(db)).filter((e) => e.parentId !== id);
  // Edges never cross projects, so every project's names serve for the message.
  const names = new Map((await listGroups(db, EVERY_PROJECT)).map((g) => [g.id, g.name]));
  for (const child of childIds) {
    const path = nestingPath(edges, child, id);
    if (!path) continue;
    const childName = names.get(child) ?? child;
    throw new OrcaError(
      ErrorCode.conflict,
      path.length === 1
        ? `group ${name} cannot contain itself`
        : `group ${name} cannot contain ${childName}: ${path.map((p) => names.get(p) ?? p).join(' > ')} already puts ${name} inside ${childName}`,
      [{ path: 'body.children', message: `${childName} would make a cycle` }],
    );
  }
}

export function groupRoutes(app: App, deps: HttpDeps): void {
  const get = (request: FastifyRequest, id: string) =>
    found(request, 'group', id, (scope) => getGroup(deps.db, scope, id));

  app.get(
    '/groups',
    {
      schema: {
        tags: ['groups'],
        summary: 'Host groups with their members and nested groups',
        querystring: Type.Object({ project: ProjectQuery }, { additionalProperties: false }),
        response: { 200: Type.Array(Group) },
      },
    },
    async (request) =>
      listGroups(deps.db, await projectFilter(deps.db, request.scope, request.query.project)),
  );

  app.get(
    '/groups/:id',
    { schema: { tags: ['groups'], summary: 'One group', params: IdParams, response: { 200: Group } } },
    async (request) => get(request, request.params.id),
  );

  app.post(
    '/groups',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['groups'],
        summary: 'Create a group, with nested groups and hosts',
        body: CreateGroup,
        response: { 201: Group },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const projectId = await targetProject(deps.db, request, b.projectId);
      const here = onlyProject(projectId);
      const children = await requireGroups(deps.db, here, b.children ?? [], 'body.children');
      const hosts = await requireHosts(deps.db, here, b.hosts ?? [], 'body.hosts');
      const id = await deps.db
        .transaction()
        .execute(async (trx) => {
          await lockGroupNesting(trx);
          const id = await insertGroup(trx, { projectId, name: b.name, description: b.description ?? '' });
          await setGroupChildren(trx, id, children);
          await setGroupHosts(trx, id, hosts);
          return id;
        })
        .catch(conflictOnUnique(`a group named ${b.name} already exists`));
      return reply.status(201).send(await get(request, id));
    },
  );

  app.patch(
    '/groups/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['groups'],
        summary: 'Change a group: `children` and `hosts` replace the lists',
        description: 'Nesting that would make a cycle is a 409 naming the groups involved.',
        params: IdParams,
        body: UpdateGroup,
        response: { 200: Group },
      },
    },
    async (request) => {
      const b = request.body;
      const current = await get(request, request.params.id);
      const here = onlyProject(current.projectId);
      const children = b.children && (await requireGroups(deps.db, here, b.children, 'body.children'));
      const hosts = b.hosts && (await requireHosts(deps.db, here, b.hosts, 'body.hosts'));
      await deps.db
        .transaction()
        .execute(async (trx) => {
          if (!(await updateGroup(trx, current.id, b))) throw notFound('group', current.id);
          if (children) {
            await lockGroupNesting(trx);
            await checkNesting(trx, current.id, b.name ?? current.name, children);
            await setGroupChildren(trx, current.id, children);
          }
          if (hosts) await setGroupHosts(trx, current.id, hosts);
        })
        .catch(conflictOnUnique(`a group named ${b.name} already exists`));
      return get(request, current.id);
    },
  );

  app.delete(
    '/groups/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['groups'],
        summary: 'Delete a group (its hosts and nested groups stay)',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await get(request, request.params.id);
      if (!(await deleteGroup(deps.db, request.params.id))) throw notFound('group', request.params.id);
      return reply.status(204).send(null);
    },
  );
}
