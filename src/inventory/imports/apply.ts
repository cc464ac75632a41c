/**
 * Imports against the database: reads the inventory the plan compares with, and applies a plan
 * in one transaction (groups, their children, hosts, jump hosts, memberships), so an import lands
 * whole or not at all. An import works inside one project: it sees, adds and changes only that
 * project's hosts and groups.
 */

import { groupEdges, lockGroupNesting } from '../../db/groups.ts';
import { insertHost, updateHost } from '../../db/hosts.ts';
import type { Db } from '../../db/pool.ts';
import { ErrorCode, invalid, OrcaError } from '../../domain/errors.ts';
import { ancestorsOf } from '../../domain/groups.ts';
import { resolveConnection } from '../../domain/host-settings.ts';
import type { ExistingGroup, ExistingHost, ImportPlan } from './plan.ts';

export async function loadExisting(
  db: Db,
  projectId: string,
): Promise<{ hosts: ExistingHost[]; groups: ExistingGroup[] }> {
  const [hosts, groups, members, edges] = await Promise.all([
    db
      .selectFrom('hosts as h')
      .leftJoin('hosts as j', 'j.id', 'h.jump_host_id')
      .where('h.project_id', '=', projectId)
      .select([
        'h.id',
        'h.name',
        'h.address',
        'h.port',
        'h.username',
        'h.os',
        'h.transport',
        'h.winrm_https',
        'j.name as jump_name',
        'h.tags',
        'h.labels',
      ])
      .execute(),
    db.selectFrom('host_groups').select(['id', 'name']).where('project_id', '=', projectId).execute(),
    db.selectFrom('host_group_members').select(['group_id', 'host_id']).execute(),
    groupEdges(db),
  ]);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const memberOf = new Map<string, string[]>();
  for (const m of members)
    memberOf.set(m.host_id, [...(memberOf.get(m.host_id) ?? []), groupName.get(m.group_id) ?? '']);
  return {
    hosts: hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: h.port,
      username: h.username,
      os: h.os as 'linux' | 'windows',
      transport: h.transport as 'ssh' | 'winrm',
      winrmHttps: h.winrm_https,
      jumpHost: h.jump_name,
      tags: h.tags,
      labels: h.labels,
      groups: memberOf.get(h.id) ?? [],
    })),
    groups: groups.map((g) => ({
      name: g.name,
      children: edges.filter((e) => e.parentId === g.id).map((e) => groupName.get(e.childId) ?? ''),
    })),
  };
}

export async function applyImport(
  db: Db,
  projectId: string,
  plan: ImportPlan,
  credentialId: string | null,
): Promise<void> {
  const adds = plan.hosts.filter((h) => h.action === 'add');
  if (adds.length > 0 && !credentialId) {
    throw invalid('body.credential', `${adds.length} new host(s) need a credential to log in with; name one`);
  }
  await db.transaction().execute(async (trx) => {
    await lockGroupNesting(trx);
    // Groups, then their children (a child may be a group of this import).
    for (const g of plan.groups.filter((x) => x.action === 'add')) {
      await trx
        .insertInto('host_groups')
        .values({ project_id: projectId, name: g.name, description: '' })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    }
    const groupIds = new Map(
      (
        await trx
          .selectFrom('host_groups')
          .select(['id', 'name'])
          .where('project_id', '=', projectId)
          .execute()
      ).map((g) => [g.name, g.id]),
    );
    const elsewhere = plan.groups.find((g) => !groupIds.has(g.name));
    if (elsewhere) {
      throw new OrcaError(ErrorCode.conflict, `a group named ${elsewhere.name} exists in another project`);
    }
    for (const g of plan.groups) {
      const parent = groupIds.get(g.name);
      if (!parent) continue;
      for (const child of g.addChildren) {
        let childId = groupIds.get(child);
        if (!childId) {
          childId = (
            await trx
              .insertInto('host_groups')
              .values({ project_id: projectId, name: child, description: '' })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id;
          groupIds.set(child, childId);
        }
        const edges = await groupEdges(trx);
        if (childId === parent || ancestorsOf(edges, [parent]).has(childId)) {
          throw new OrcaError(
            ErrorCode.conflict,
            `group ${g.name} cannot contain ${child}: ${child} already contains ${g.name}`,
          );
        }
        await trx
          .insertInto('host_group_children')
          .values({ parent_id: parent, child_id: childId })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    }
    // Hosts, without their jump hosts (which may be hosts of this import).
    const hostIds = new Map(
      (
        await trx.selectFrom('hosts').select(['id', 'name']).where('project_id', '=', projectId).execute()
      ).map((h) => [h.name, h.id]),
    );
    for (const p of plan.hosts) {
      if (p.action === 'unchanged') continue;
      const h = p.host;
      const settings = resolveConnection({
        os: h.os,
        transport: h.transport,
        port: h.port,
        ...(h.transport === 'winrm' && { winrm: { https: h.winrmHttps ?? false } }),
      });
      if (p.action === 'add') {
        const id = await insertHost(trx, {
          projectId,
          name: h.name,
          address: h.address,
          settings,
          username: h.username,
          credentialId: credentialId as string,
          tags: h.tags,
          labels: h.labels,
        });
        hostIds.set(h.name, id);
      } else {
        const id = hostIds.get(h.name) as string;
        const current = await trx
          .selectFrom('hosts')
          .select(['address', 'port', 'transport', 'tags', 'labels'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const moved =
          current.address !== h.address ||
          current.port !== settings.port ||
          current.transport !== settings.transport;
        await updateHost(
          trx,
          id,
          {
            address: h.address,
            username: h.username,
            settings,
            tags: [...new Set([...current.tags, ...h.tags])],
            labels: { ...current.labels, ...h.labels },
          },
          moved,
        );
      }
    }
    for (const p of plan.hosts) {
      const jump = p.host.jumpHost;
      if (!jump || p.action === 'unchanged') continue;
      const jumpId = hostIds.get(jump);
      if (!jumpId) throw invalid('body.files', `${p.name}: jump host ${jump} does not exist`);
      await trx
        .updateTable('hosts')
        .set({ jump_host_id: jumpId })
        .where('id', '=', hostIds.get(p.name) as string)
        .execute();
    }
    await refuseJumpLoops(trx);
    // Memberships are only added.
    const rows = plan.hosts.flatMap((p) =>
      p.host.groups.flatMap((g) => {
        const groupId = groupIds.get(g);
        const hostId = hostIds.get(p.name);
        return groupId && hostId ? [{ group_id: groupId, host_id: hostId }] : [];
      }),
    );
    if (rows.length > 0) {
      await trx
        .insertInto('host_group_members')
        .values(rows)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  });
}

async function refuseJumpLoops(db: Db): Promise<void> {
  const rows = await db.selectFrom('hosts').select(['id', 'name', 'jump_host_id']).execute();
  const next = new Map(rows.map((r) => [r.id, r.jump_host_id]));
  const name = new Map(rows.map((r) => [r.id, r.name]));
  for (const r of rows) {
    const seen = new Set<string>();
    for (let at: string | null | undefined = r.id; at; at = next.get(at)) {
      if (seen.has(at))
        throw invalid('body.files', `the jump hosts of ${r.name} go in a circle through ${name.get(at)}`);
      seen.add(at);
    }
  }
}
