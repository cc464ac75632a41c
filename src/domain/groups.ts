/** Nested host groups as a graph of parent → child edges. Pure. */

export interface GroupEdge {
  readonly parentId: string;
  readonly childId: string;
}

/** Every group `id` is inside, directly or through nesting (not `id` itself). */
export function ancestorsOf(edges: readonly GroupEdge[], ids: Iterable<string>): Set<string> {
  const parents = new Map<string, string[]>();
  for (const e of edges) parents.set(e.childId, [...(parents.get(e.childId) ?? []), e.parentId]);
  const out = new Set<string>();
  const todo = [...ids].flatMap((id) => parents.get(id) ?? []);
  while (todo.length > 0) {
    const p = todo.pop() as string;
    if (out.has(p)) continue;
    out.add(p);
    todo.push(...(parents.get(p) ?? []));
  }
  return out;
}

/** A group's own ids plus the ancestors of each: the groups a member of `direct` belongs to. */
export function effectiveGroups(edges: readonly GroupEdge[], direct: readonly string[]): Set<string> {
  const out = ancestorsOf(edges, direct);
  for (const d of direct) out.add(d);
  return out;
}

/**
 * The nesting path from `from` down to `to` (both included), or null when `to` is not inside
 * `from`. Making `to` contain `from` would close a cycle exactly when there is such a path.
 */
export function nestingPath(edges: readonly GroupEdge[], from: string, to: string): string[] | null {
  const children = new Map<string, string[]>();
  for (const e of edges) children.set(e.parentId, [...(children.get(e.parentId) ?? []), e.childId]);
  const cameFrom = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  while (queue.length > 0) {
    const g = queue.shift() as string;
    if (g === to) {
      const path: string[] = [];
      for (let at: string | null = g; at !== null; at = cameFrom.get(at) ?? null) path.unshift(at);
      return path;
    }
    for (const c of children.get(g) ?? []) {
      if (!cameFrom.has(c)) {
        cameFrom.set(c, g);
        queue.push(c);
      }
    }
  }
  return null;
}
