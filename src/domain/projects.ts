/**
 * Roles and projects, pure. A user's rights on a resource are the lesser of their global role
 * and their role in the resource's project; admins hold every project. A request carries a
 * `Scope`: the projects in which the caller holds the role the route needs, computed once.
 */

import { hasRole, lowerRole, type Role } from './roles.ts';

export { hasRole, type Role };
export type MemberRole = 'operator' | 'viewer';

/** Where inserts that name no project land; created by the migration, never deleted. */
export const DEFAULT_PROJECT_ID = '00000000-0000-4000-8000-000000000001';

const lesserRole = (a: Role, b: Role): Role => lowerRole(a, b);

/** Which projects a piece of work may touch; `ids` null means every project. */
export interface Scope {
  readonly ids: readonly string[] | null;
}

/** For work done by the system itself (scheduler, webhooks, workers), never for a person's request. */
export const EVERY_PROJECT: Scope = { ids: null };
export const NO_PROJECT: Scope = { ids: [] };
export const onlyProject = (id: string): Scope => ({ ids: [id] });

export interface Membership {
  readonly projectId: string;
  readonly projectName: string;
  readonly role: MemberRole;
}

/** What a caller holds: every project (admin), or a role per project they are a member of. */
export interface ProjectAccess {
  readonly admin: boolean;
  /** projectId → name and effective role (already the lesser of global and membership). */
  readonly projects: ReadonlyMap<string, { readonly name: string; readonly role: Role }>;
}

export function projectAccess(globalRole: Role, memberships: readonly Membership[]): ProjectAccess {
  if (globalRole === 'admin') return { admin: true, projects: new Map() };
  return {
    admin: false,
    projects: new Map(
      memberships.map((m) => [m.projectId, { name: m.projectName, role: lesserRole(globalRole, m.role) }]),
    ),
  };
}

export const NO_ACCESS: ProjectAccess = { admin: false, projects: new Map() };

/** The projects in which `access` holds at least `needed`. */
export function scopeAt(access: ProjectAccess, needed: Role): Scope {
  if (access.admin) return EVERY_PROJECT;
  return {
    ids: [...access.projects].filter(([, p]) => hasRole(p.role, needed)).map(([id]) => id),
  };
}

export function inScope(scope: Scope, projectId: string): boolean {
  return scope.ids === null || scope.ids.includes(projectId);
}

type TargetChoice =
  | { readonly ok: true; readonly projectId: string }
  | {
      readonly ok: false;
      readonly reason: 'none' | 'ambiguous' | 'unknown' | 'read-only';
      readonly message: string;
    };

/**
 * The project a new resource goes into: the one named (if the caller may create there), else
 * the caller's only project where they hold `needed`; admins default to the default project.
 */
export function chooseProject(access: ProjectAccess, needed: Role, named: string | undefined): TargetChoice {
  if (named !== undefined) {
    if (access.admin) return { ok: true, projectId: named };
    const p = access.projects.get(named);
    if (!p) return { ok: false, reason: 'unknown', message: `project ${named} does not exist` };
    if (!hasRole(p.role, needed)) {
      return {
        ok: false,
        reason: 'read-only',
        message: `you are ${p.role} in project ${p.name}; this needs ${needed}`,
      };
    }
    return { ok: true, projectId: named };
  }
  if (access.admin) return { ok: true, projectId: DEFAULT_PROJECT_ID };
  const able = [...access.projects].filter(([, p]) => hasRole(p.role, needed));
  const only = able[0];
  if (able.length === 1 && only) return { ok: true, projectId: only[0] };
  if (able.length === 0) {
    return {
      ok: false,
      reason: 'none',
      message: `you are ${needed} in no project; ask an admin to add you to one`,
    };
  }
  const names = able.map(([, p]) => p.name).sort();
  return {
    ok: false,
    reason: 'ambiguous',
    message: `you are ${needed} in several projects (${names.join(', ')}); say which one`,
  };
}
