/** Projects and their members, and the one SQL filter every scoped query uses. */
import { type RawBuilder, sql } from 'kysely';
import type { MemberRole, Membership, Scope } from '../domain/projects.ts';
import type { Db } from './pool.ts';

/**
 * `<column> is in the scope`: the filter behind every list, get and selector. A scope of every
 * project is no filter; an empty one matches nothing.
 */
export function inProjects(column: string, scope: Scope): RawBuilder<boolean> {
  if (scope.ids === null) return sql<boolean>`true`;
  return sql<boolean>`${sql.ref(column)} = any(${[...scope.ids]}::uuid[])`;
}

export async function membershipsOf(db: Db, userId: string): Promise<Membership[]> {
  const rows = await db
    .selectFrom('project_members as m')
    .innerJoin('projects as p', 'p.id', 'm.project_id')
    .select(['m.project_id', 'p.name', 'm.role'])
    .where('m.user_id', '=', userId)
    .execute();
  return rows.map((r) => ({ projectId: r.project_id, projectName: r.name, role: r.role }));
}

export interface ProjectRow {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  members: number;
}

export async function listProjects(db: Db, scope: Scope, id?: string): Promise<ProjectRow[]> {
  let q = db
    .selectFrom('projects as p')
    .select(['p.id', 'p.name', 'p.description', 'p.created_at'])
    .select(
      sql<number>`(select count(*)::int from project_members m where m.project_id = p.id)`.as('members'),
    )
    .where(inProjects('p.id', scope))
    .orderBy('p.name');
  if (id) q = q.where('p.id', '=', id);
  return (await q.execute()).map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    createdAt: r.created_at.toISOString(),
    members: r.members,
  }));
}

/** A project by id or name. */
export async function findProject(
  db: Db,
  idOrName: string,
): Promise<{ id: string; name: string } | undefined> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
  return db
    .selectFrom('projects')
    .select(['id', 'name'])
    .where(uuid ? 'id' : 'name', '=', uuid ? idOrName.toLowerCase() : idOrName)
    .executeTakeFirst();
}

export async function insertProject(db: Db, p: { name: string; description: string }): Promise<string> {
  const row = await db.insertInto('projects').values(p).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateProject(
  db: Db,
  id: string,
  patch: { name?: string | undefined; description?: string | undefined },
): Promise<boolean> {
  if (patch.name === undefined && patch.description === undefined) {
    return (await findProject(db, id)) !== undefined;
  }
  const r = await db
    .updateTable('projects')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.description !== undefined && { description: patch.description }),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** How many of each kind of resource a project holds; a project holding any cannot be deleted. */
export async function projectHoldings(db: Db, id: string): Promise<Record<string, number>> {
  const count = (table: 'hosts' | 'host_groups' | 'credentials' | 'jobs' | 'runs') =>
    sql<number>`(select count(*)::int from ${sql.table(table)} where project_id = ${id})`;
  const r = await sql<
    Record<string, number>
  >`select ${count('hosts')} as hosts, ${count('host_groups')} as groups,
    ${count('credentials')} as credentials, ${count('jobs')} as jobs, ${count('runs')} as runs`.execute(db);
  return r.rows[0] ?? {};
}

export async function deleteProject(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('projects').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export interface MemberRow {
  userId: string;
  username: string;
  role: MemberRole;
  globalRole: 'admin' | 'operator' | 'viewer';
  since: string;
}

export async function listMembers(db: Db, projectId: string, userId?: string): Promise<MemberRow[]> {
  let q = db
    .selectFrom('project_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.username', 'm.role', 'u.role as global_role', 'm.created_at'])
    .where('m.project_id', '=', projectId)
    .orderBy('u.username');
  if (userId) q = q.where('m.user_id', '=', userId);
  return (await q.execute()).map((r) => ({
    userId: r.user_id,
    username: r.username,
    role: r.role,
    globalRole: r.global_role,
    since: r.created_at.toISOString(),
  }));
}

/** A user by id or username. */
export async function findUserId(db: Db, idOrName: string): Promise<string | undefined> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
  const row = await db
    .selectFrom('users')
    .select('id')
    .where(uuid ? 'id' : 'username', '=', uuid ? idOrName.toLowerCase() : idOrName)
    .executeTakeFirst();
  return row?.id;
}

export async function putMember(db: Db, projectId: string, userId: string, role: MemberRole): Promise<void> {
  await db
    .insertInto('project_members')
    .values({ project_id: projectId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role }))
    .execute();
}

export async function removeMember(db: Db, projectId: string, userId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('project_members')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}
