/**
 * Names in a request turned into ids, within a scope (the project of what refers to them); a name
 * that is nothing there is a 400 naming its place in the list.
 */
import { groupIdsByName } from '../db/groups.ts';
import { resolveHosts } from '../db/hosts.ts';
import type { Db } from '../db/pool.ts';
import { invalid } from '../domain/errors.ts';
import type { Scope } from '../domain/projects.ts';

/** Ids of the named groups. */
export async function requireGroups(
  db: Db,
  scope: Scope,
  names: readonly string[],
  path: string,
): Promise<string[]> {
  const ids = await groupIdsByName(db, scope, names);
  return names.map((n, i) => {
    const id = ids.get(n);
    if (!id)
      throw invalid(`${path}[${i}]`, `group ${n} does not exist; create it first (orca groups create ${n})`);
    return id;
  });
}

/** Ids of the named hosts (names or ids). */
export async function requireHosts(
  db: Db,
  scope: Scope,
  names: readonly string[],
  path: string,
): Promise<string[]> {
  if (names.length === 0) return [];
  const { hosts, missing } = await resolveHosts(db, scope, names);
  const first = missing[0];
  if (first !== undefined) throw invalid(`${path}[${names.indexOf(first)}]`, `host ${first} does not exist`);
  return hosts.map((h) => h.id);
}
