/** Projects and their members. Everyone sees the projects they are in; admins manage them. */
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  deleteProject,
  findUserId,
  insertProject,
  listMembers,
  listProjects,
  projectHoldings,
  putMember,
  removeMember,
  updateProject,
} from '../../db/projects.ts';
import { ErrorCode, notFound, OrcaError } from '../../domain/errors.ts';
import { DEFAULT_PROJECT_ID } from '../../domain/projects.ts';
import type { App, HttpDeps } from '../app.ts';
import { conflictOnUnique } from '../pg-errors.ts';
import {
  CreateProject,
  Member,
  MemberParams,
  Project,
  PutMember,
  UpdateProject,
} from '../project-schemas.ts';
import { IdParams } from '../schemas.ts';
import { found } from '../scope.ts';

const tags = ['projects'];

export function projectRoutes(app: App, deps: HttpDeps): void {
  const get = async (request: FastifyRequest, id: string) =>
    found(request, 'project', id, async (scope) => (await listProjects(deps.db, scope, id))[0]);
  const taken = (name: string) => conflictOnUnique(`a project named ${name} already exists`);

  app.get(
    '/projects',
    {
      schema: {
        tags,
        summary: 'The projects you are a member of (admins: all)',
        response: { 200: Type.Array(Project) },
      },
    },
    async (request) => listProjects(deps.db, request.scope),
  );

  app.post(
    '/projects',
    {
      config: { access: 'admin' },
      schema: { tags, summary: 'Create a project', body: CreateProject, response: { 201: Project } },
    },
    async (request, reply) => {
      const b = request.body;
      const id = await insertProject(deps.db, { name: b.name, description: b.description ?? '' }).catch(
        taken(b.name),
      );
      return reply.status(201).send(await get(request, id));
    },
  );

  app.get(
    '/projects/:id',
    { schema: { tags, summary: 'One project', params: IdParams, response: { 200: Project } } },
    async (request) => get(request, request.params.id),
  );

  app.patch(
    '/projects/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Rename a project or change its description',
        params: IdParams,
        body: UpdateProject,
        response: { 200: Project },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await updateProject(deps.db, id, request.body).catch(taken(request.body.name ?? '')))) {
        throw notFound('project', id);
      }
      return get(request, id);
    },
  );

  app.delete(
    '/projects/:id',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Delete an empty project (no hosts, groups, credentials, jobs or runs)',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const project = await get(request, request.params.id);
      if (project.id === DEFAULT_PROJECT_ID) {
        throw new OrcaError(ErrorCode.conflict, 'the default project cannot be deleted (rename it instead)');
      }
      const held = Object.entries(await projectHoldings(deps.db, project.id)).filter(([, n]) => n > 0);
      if (held.length > 0) {
        throw new OrcaError(
          ErrorCode.conflict,
          `project ${project.name} still holds ${held.map(([k, n]) => `${n} ${k}`).join(', ')}; move or delete them first`,
          held.map(([k, n]) => ({ path: k, message: `${n} left` })),
        );
      }
      // A resource added meanwhile makes the delete fail on its foreign key: still refused.
      const deleted = await deleteProject(deps.db, project.id).catch((e: unknown) => {
        if ((e as { code?: string }).code === '23503') {
          throw new OrcaError(ErrorCode.conflict, `project ${project.name} is no longer empty`);
        }
        throw e;
      });
      if (!deleted) throw notFound('project', project.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/projects/:id/members',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: "A project's members",
        params: IdParams,
        response: { 200: Type.Array(Member) },
      },
    },
    async (request) => {
      await get(request, request.params.id);
      return listMembers(deps.db, request.params.id);
    },
  );

  const user = async (ref: string) =>
    (await findUserId(deps.db, ref)) ?? Promise.reject(notFound('user', ref));
  const member = async (request: FastifyRequest, projectId: string, userRef: string) => {
    await get(request, projectId);
    const m = (await listMembers(deps.db, projectId, await user(userRef)))[0];
    if (!m) throw notFound('member', userRef);
    return m;
  };

  app.get(
    '/projects/:id/members/:userId',
    {
      config: { access: 'admin' },
      schema: { tags, summary: "A user's membership", params: MemberParams, response: { 200: Member } },
    },
    async (request) => member(request, request.params.id, request.params.userId),
  );

  app.put(
    '/projects/:id/members/:userId',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary:
          "Add a user to a project or change their role there (rights: the lesser of it and the user's role)",
        params: MemberParams,
        body: PutMember,
        response: { 200: Member },
      },
    },
    async (request) => {
      const { id, userId } = request.params;
      await get(request, id);
      await putMember(deps.db, id, await user(userId), request.body.role);
      return member(request, id, userId);
    },
  );

  app.delete(
    '/projects/:id/members/:userId',
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Remove a user from a project: its resources become invisible to them',
        params: MemberParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { id, userId } = request.params;
      await get(request, id);
      if (!(await removeMember(deps.db, id, await user(userId)))) throw notFound('member', userId);
      return reply.status(204).send(null);
    },
  );
}
