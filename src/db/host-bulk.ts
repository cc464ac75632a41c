/** Changes to many hosts at once; each one statement, so each is all-or-nothing. */
import { sql } from 'kysely';
import type { Db } from './pool.ts';

/** Adds tags (keeping the order tags were first given in, each once) or removes them. */
export async function changeHostTags(
  db: Db,
  hostIds: readonly string[],
  tags: readonly string[],
  add: boolean,
): Promise<void> {
  if (hostIds.length === 0) return;
  const list = sql`${[...new Set(tags)]}::text[]`;
  await db
    .updateTable('hosts')
    .set({
      tags: add
        ? sql<
            string[]
          >`array(select t from unnest(tags || ${list}) with ordinality as u(t, n) group by t order by min(n))`
        : sql<
            string[]
          >`array(select t from unnest(tags) with ordinality as u(t, n) where t <> all(${list}) order by n)`,
      updated_at: new Date(),
    })
    .where('id', 'in', [...hostIds])
    .execute();
}

/** Deletes hosts; their executions keep the host's name and lose the reference (on delete set null). */
export async function deleteHosts(db: Db, hostIds: readonly string[]): Promise<number> {
  if (hostIds.length === 0) return 0;
  const r = await db
    .deleteFrom('hosts')
    .where('id', 'in', [...hostIds])
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
