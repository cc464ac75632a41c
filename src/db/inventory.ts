/**
 * The inventory as selectors see it: every host with its tags, labels and effective groups (the
 * groups it is in and all their ancestors). The one loader behind every selector — API, CLI and
 * UI preview all resolve through it and the pure evaluator in src/domain/selectors.ts.
 */
import { ancestorsOf } from '../domain/groups.ts';
import type { Scope } from '../domain/projects.ts';
import type { SelectableHost } from '../domain/selectors.ts';
import { groupEdges } from './groups.ts';
import type { Db } from './pool.ts';
import { inProjects } from './projects.ts';

export interface InventoryHost extends SelectableHost {
  readonly id: string;
}

/** The hosts of the scope's projects, by name: a selector never reaches outside them. */
export async function loadInventory(db: Db, scope: Scope): Promise<InventoryHost[]> {
  const [hosts, groups, members, edges] = await Promise.all([
    db
      .selectFrom('hosts')
      .select(['id', 'name', 'os', 'transport', 'tags', 'labels'])
      .where(inProjects('project_id', scope))
      .orderBy('name')
      .execute(),
    db.selectFrom('host_groups').select(['id', 'name']).where(inProjects('project_id', scope)).execute(),
    db.selectFrom('host_group_members').select(['group_id', 'host_id']).execute(),
    groupEdges(db),
  ]);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const direct = new Map<string, string[]>();
  for (const m of members) direct.set(m.host_id, [...(direct.get(m.host_id) ?? []), m.group_id]);
  return hosts.map((h) => {
    const ids = direct.get(h.id) ?? [];
    const all = new Set([...ids, ...ancestorsOf(edges, ids)]);
    return {
      id: h.id,
      name: h.name,
      os: h.os,
      transport: h.transport,
      tags: h.tags,
      labels: h.labels,
      groups: [...all].map((id) => groupName.get(id) ?? id).sort(),
    };
  });
}
