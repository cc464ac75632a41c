/**
 * Project scoping at the edge. The auth hook puts the caller's scope on the request (the projects
 * where they hold the role the route needs); routes pass it to db functions, which filter with
 * `inProjects`. These helpers turn "not in scope" into the right answer.
 */
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/pool.ts';
import { findProject } from '../db/projects.ts';
import { ErrorCode, invalid, notFound, OrcaError } from '../domain/errors.ts';
import { chooseProject, type Role, type Scope, scopeAt } from '../domain/projects.ts';

const routeRole = (request: FastifyRequest): Role => {
  const access = request.routeOptions.config?.access;
  return access && access !== 'public' ? access : 'viewer';
};

/**
 * `load` under the request's scope, or a 404. Something the caller may see but not change (a
 * viewer's project on an operator route) is a 403 saying so; outside every project of theirs it
 * does not exist.
 */
export async function found<T>(
  request: FastifyRequest,
  what: string,
  id: string,
  load: (scope: Scope) => Promise<T | undefined>,
): Promise<T> {
  const row = await load(request.scope);
  if (row !== undefined) return row;
  if (routeRole(request) !== 'viewer' && (await load(scopeAt(request.access, 'viewer'))) !== undefined) {
    throw new OrcaError(
      ErrorCode.forbidden,
      `you may view ${what} ${id} but not change it: this needs the ${routeRole(request)} role in its project`,
    );
  }
  throw notFound(what, id);
}

/**
 * The project a new resource goes into: `named` (checked), else the caller's only project where
 * they hold the route's role; an admin's default is the default project. Errors name `path`.
 */
export async function targetProject(
  db: Db,
  request: FastifyRequest,
  named: string | undefined,
  path = 'body.projectId',
): Promise<string> {
  const choice = chooseProject(request.access, routeRole(request), named);
  if (!choice.ok) {
    if (choice.reason === 'read-only' || choice.reason === 'none') {
      throw new OrcaError(ErrorCode.forbidden, choice.message, [{ path, message: choice.message }]);
    }
    throw invalid(path, choice.message);
  }
  if (named !== undefined && request.access.admin && !(await findProject(db, choice.projectId))) {
    throw invalid(path, `project ${named} does not exist`);
  }
  return choice.projectId;
}

/** A `?project=` filter (id or name) inside the request's scope; unknown or invisible: nothing. */
export async function projectFilter(db: Db, scope: Scope, project: string | undefined): Promise<Scope> {
  if (project === undefined) return scope;
  const p = await findProject(db, project);
  if (!p || (scope.ids !== null && !scope.ids.includes(p.id))) return { ids: [] };
  return { ids: [p.id] };
}
