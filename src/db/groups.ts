/** Host groups: their fields, nesting (parent → child) and direct members. */
import { sql } from 'kysely';
import type { GroupEdge } from '../domain/groups.ts';
import type { Scope } from '../domain/projects.ts';
import type { Group } from '../http/inventory-schemas.ts';
import type { Db } from './pool.ts';
import { inProjects } from './projects.ts';

export async function groupEdges(db: Db): Promise<GroupEdge[]> {
  const rows = await db.selectFrom('host_group_children').select(['parent_id', 'child_id']).execute();
  return rows.map((r) => ({ parentId: r.parent_id, childId: r.child_id }));
}

/**
 * Serialises changes to nesting, so two concurrent edits cannot each pass the cycle check and
 * together close a cycle. Call inside the transaction that changes edges.
 */
export async function lockGroupNesting(db: Db): Promise<void> {
  await sql`lock table host_group_children in share row exclusive mode`.execute(db);
}

export async function listGroups(db: Db, scope: Scope, id?: string): Promise<Group[]> {
  let q = db.selectFrom('host_groups').selectAll().where(inProjects('project_id', scope)).orderBy('name');
  if (id) q = q.where('id', '=', id);
  const [groups, all, members, edges] = await Promise.all([
    q.execute(),
    db.selectFrom('host_groups').select(['id', 'name']).execute(),
    db
      .selectFrom('host_group_members as m')
      .innerJoin('hosts as h', 'h.id', 'm.host_id')
      .select(['m.group_id', 'h.name'])
      .orderBy('h.name')
      .execute(),
    groupEdges(db),
  ]);
  const name = new Map(all.map((g) => [g.id, g.name]));
  const names = (ids: string[]) => ids.map((i) => name.get(i) ?? i).sort();
  return groups.map((g) => ({
    id: g.id,
    projectId: g.project_id,
    name: g.name,
    description: g.description,
    hosts: members.filter((m) => m.group_id === g.id).map((m) => m.name),
    children: names(edges.filter((e) => e.parentId === g.id).map((e) => e.childId)),
    parents: names(edges.filter((e) => e.childId === g.id).map((e) => e.parentId)),
    createdAt: g.created_at.toISOString(),
    updatedAt: g.updated_at.toISOString(),
  }));
}

export async function getGroup(db: Db, scope: Scope, id: string): Promise<Group | undefined> {
  return (await listGroups(db, scope, id))[0];
}

/** Ids of the groups named; names that are no group are missing from the map. */
export async function groupIdsByName(
  db: Db,
  scope: Scope,
  names: readonly string[],
): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await db
    .selectFrom('host_groups')
    .select(['id', 'name'])
    .where(inProjects('project_id', scope))
    .where('name', 'in', [...names])
    .execute();
  return new Map(rows.map((r) => [r.name, r.id]));
}

export async function insertGroup(
  db: Db,
  g: { projectId: string; name: string; description: string },
): Promise<string> {
  const row = await db
    .insertInto('host_groups')
    .values({ project_id: g.projectId, name: g.name, description: g.description })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateGroup(
  db: Db,
  id: string,
  patch: { name?: string | undefined; description?: string | undefined },
): Promise<boolean> {
  const r = await db
    .updateTable('host_groups')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.description !== undefined && { description: patch.description }),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function deleteGroup(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('host_groups').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Replaces a group's child groups. */
export async function setGroupChildren(db: Db, id: string, childIds: readonly string[]): Promise<void> {
  await db.deleteFrom('host_group_children').where('parent_id', '=', id).execute();
  if (childIds.length === 0) return;
  await db
    .insertInto('host_group_children')
    .values([...new Set(childIds)].map((c) => ({ parent_id: id, child_id: c })))
    .execute();
}

/** Replaces a group's direct members. */
export async function setGroupHosts(db: Db, id: string, hostIds: readonly string[]): Promise<void> {
  await db.deleteFrom('host_group_members').where('group_id', '=', id).execute();
  if (hostIds.length === 0) return;
  await db
    .insertInto('host_group_members')
    .values([...new Set(hostIds)].map((h) => ({ group_id: id, host_id: h })))
    .execute();
}

/** Replaces the groups a host is directly in. */
export async function setHostGroups(db: Db, hostId: string, groupIds: readonly string[]): Promise<void> {
  await db.deleteFrom('host_group_members').where('host_id', '=', hostId).execute();
  if (groupIds.length === 0) return;
  await db
    .insertInto('host_group_members')
    .values([...new Set(groupIds)].map((g) => ({ group_id: g, host_id: hostId })))
    .execute();
}
