import { sql } from 'kysely';
import type { FailureKind, HostKey } from '../connectors/connector.ts';
import type { ConnectionSettings, Os, Shell, Transport, WinrmAuth } from '../domain/host-settings.ts';
import type { Scope } from '../domain/projects.ts';
import type { Host } from '../http/schemas.ts';
import type { Db } from './pool.ts';
import { inProjects } from './projects.ts';

const SETTINGS_COLUMNS = [
  'h.os',
  'h.transport',
  'h.shell',
  'h.port',
  'h.winrm_https',
  'h.winrm_auth',
  'h.winrm_allow_unencrypted',
  'h.winrm_ca_cert',
  'h.winrm_skip_verify',
] as const;

interface SettingsRow {
  os: Os;
  transport: Transport;
  shell: Shell;
  port: number;
  winrm_https: boolean;
  winrm_auth: WinrmAuth;
  winrm_allow_unencrypted: boolean;
  winrm_ca_cert: string | null;
  winrm_skip_verify: boolean;
}

/** The connection settings stored in a host row. */
export function settingsOf(r: SettingsRow): ConnectionSettings {
  return {
    os: r.os,
    transport: r.transport,
    shell: r.shell,
    port: r.port,
    winrm:
      r.transport === 'winrm'
        ? {
            https: r.winrm_https,
            auth: r.winrm_auth,
            allowUnencrypted: r.winrm_allow_unencrypted,
            caCert: r.winrm_ca_cert,
            skipVerify: r.winrm_skip_verify,
          }
        : null,
  };
}

const settingsColumns = (s: ConnectionSettings) => ({
  os: s.os,
  transport: s.transport,
  shell: s.shell,
  port: s.port,
  winrm_https: s.winrm?.https ?? false,
  winrm_auth: s.winrm?.auth ?? 'negotiate',
  winrm_allow_unencrypted: s.winrm?.allowUnencrypted ?? false,
  winrm_ca_cert: s.winrm?.caCert ?? null,
  winrm_skip_verify: s.winrm?.skipVerify ?? false,
});

const HEALTH_COLUMNS = [
  'h.health_status',
  'h.health_latency_ms',
  'h.health_failure_kind',
  'h.health_message',
  'h.health_checked_at',
  'h.facts',
  'h.facts_gathered_at',
] as const;

function selectHosts(db: Db, scope: Scope) {
  return db
    .selectFrom('hosts as h')
    .where(inProjects('h.project_id', scope))
    .leftJoin('credentials as c', 'c.id', 'h.credential_id')
    .leftJoin('hosts as j', 'j.id', 'h.jump_host_id')
    .leftJoin('credentials as bc', 'bc.id', 'h.become_credential_id')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('host_checks as k')
          .select(['k.status', 'k.failure_kind', 'k.message', 'k.latency_ms', 'k.finished_at'])
          .whereRef('k.host_id', '=', 'h.id')
          .where('k.status', '!=', 'queued')
          .orderBy('k.finished_at', 'desc')
          .limit(1)
          .as('k'),
      (join) => join.onTrue(),
    )
    .select([
      'h.id',
      'h.project_id',
      'h.name',
      'h.address',
      ...SETTINGS_COLUMNS,
      'h.username',
      'h.credential_id',
      'c.name as credential_name',
      'h.host_key_algorithm',
      'h.host_key_fingerprint',
      'h.pending_host_key_algorithm',
      'h.pending_host_key_fingerprint',
      'h.tags',
      'h.labels',
      'h.pool',
      sql<string[]>`array(select g.name from host_group_members m join host_groups g on g.id = m.group_id
        where m.host_id = h.id order by g.name)`.as('group_names'),
      'h.created_at',
      'h.updated_at',
      'j.name as jump_host_name',
      'h.become_credential_id',
      'bc.name as become_credential_name',
      ...HEALTH_COLUMNS,
      'k.status as check_status',
      'k.failure_kind as check_failure_kind',
      'k.message as check_message',
      'k.latency_ms as check_latency_ms',
      'k.finished_at as check_finished_at',
    ]);
}

type HostRow = Awaited<ReturnType<ReturnType<typeof selectHosts>['executeTakeFirstOrThrow']>>;

const key = (algorithm: string | null, fingerprint: string | null): HostKey | null =>
  algorithm && fingerprint ? { algorithm, fingerprint } : null;

const toHost = (r: HostRow): Host => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  address: r.address,
  ...settingsOf(r),
  username: r.username,
  credentialId: r.credential_id,
  credentialName: r.credential_name,
  hostKey: key(r.host_key_algorithm, r.host_key_fingerprint),
  pendingHostKey: key(r.pending_host_key_algorithm, r.pending_host_key_fingerprint),
  lastCheck:
    r.check_status && r.check_finished_at
      ? {
          ok: r.check_status === 'succeeded',
          failureKind: (r.check_failure_kind as FailureKind | null) ?? null,
          message: r.check_message ?? '',
          latencyMs: r.check_latency_ms,
          checkedAt: r.check_finished_at.toISOString(),
        }
      : null,
  jumpHost: r.jump_host_name,
  becomeCredentialId: r.become_credential_id,
  becomeCredentialName: r.become_credential_name,
  health: {
    status: r.health_status,
    latencyMs: r.health_latency_ms,
    failureKind: (r.health_failure_kind as FailureKind | null) ?? null,
    message: r.health_message,
    checkedAt: r.health_checked_at?.toISOString() ?? null,
  },
  facts:
    r.facts && r.facts_gathered_at ? { ...r.facts, gatheredAt: r.facts_gathered_at.toISOString() } : null,
  tags: r.tags,
  labels: r.labels,
  pool: r.pool,
  groups: r.group_names,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function listHosts(
  db: Db,
  scope: Scope,
  filter: {
    health?: 'up' | 'down' | 'unknown' | undefined;
    os?: string | undefined;
    /** A pool, or `none` for hosts without one. */
    pool?: string | undefined;
  } = {},
): Promise<Host[]> {
  let q = selectHosts(db, scope);
  if (filter.pool === 'none') q = q.where('h.pool', 'is', null);
  else if (filter.pool) q = q.where('h.pool', '=', filter.pool);
  if (filter.health) q = q.where('h.health_status', '=', filter.health);
  if (filter.os) {
    const pattern = `%${filter.os.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<string>`h.facts->>'os'`, 'ilike', pattern);
  }
  return (await q.orderBy('h.name').execute()).map(toHost);
}

export async function getHost(db: Db, scope: Scope, id: string): Promise<Host | undefined> {
  const row = await selectHosts(db, scope).where('h.id', '=', id).executeTakeFirst();
  return row && toHost(row);
}

/** Hosts matching names or ids, in the order given; returns the names that matched nothing too. */
export async function resolveHosts(
  db: Db,
  scope: Scope,
  namesOrIds: readonly string[],
): Promise<{ hosts: { id: string; name: string }[]; missing: string[] }> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const ids = namesOrIds.filter((x) => uuid.test(x));
  const rows = await db
    .selectFrom('hosts')
    .select(['id', 'name'])
    .where(inProjects('project_id', scope))
    .where((eb) => eb.or([eb('name', 'in', [...namesOrIds]), ...(ids.length ? [eb('id', 'in', ids)] : [])]))
    .execute();
  const seen = new Set<string>();
  const hosts: { id: string; name: string }[] = [];
  const missing: string[] = [];
  for (const wanted of namesOrIds) {
    const row = rows.find((r) => r.name === wanted || r.id === wanted.toLowerCase());
    if (!row) missing.push(wanted);
    else if (!seen.has(row.id)) {
      seen.add(row.id);
      hosts.push(row);
    }
  }
  return { hosts, missing };
}

/** Tags each once, in the order first given. */
export const uniqueTags = (tags: readonly string[]): string[] => [...new Set(tags)];

export async function insertHost(
  db: Db,
  h: {
    /** Default: the default project. */
    projectId?: string | undefined;
    name: string;
    address: string;
    settings: ConnectionSettings;
    username: string;
    credentialId: string;
    jumpHostId?: string | null;
    becomeCredentialId?: string | null;
    tags?: readonly string[] | undefined;
    labels?: Readonly<Record<string, string>> | undefined;
    pool?: string | null | undefined;
  },
): Promise<string> {
  const row = await db
    .insertInto('hosts')
    .values({
      ...(h.projectId && { project_id: h.projectId }),
      name: h.name,
      address: h.address,
      ...settingsColumns(h.settings),
      username: h.username,
      credential_id: h.credentialId,
      jump_host_id: h.jumpHostId ?? null,
      become_credential_id: h.becomeCredentialId ?? null,
      tags: uniqueTags(h.tags ?? []),
      labels: JSON.stringify(h.labels ?? {}),
      pool: h.pool ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateHost(
  db: Db,
  id: string,
  patch: {
    name?: string;
    address?: string;
    settings?: ConnectionSettings;
    username?: string;
    credentialId?: string;
    jumpHostId?: string | null;
    becomeCredentialId?: string | null;
    tags?: readonly string[];
    labels?: Readonly<Record<string, string>>;
    /** Routes new executions and checks; ones already queued keep the pool they were sent to. */
    pool?: string | null;
  },
  /** True when the address, port or transport changes: the host's recorded key no longer applies. */
  moved: boolean,
): Promise<boolean> {
  const r = await db
    .updateTable('hosts')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.address !== undefined && { address: patch.address }),
      ...(patch.settings !== undefined && settingsColumns(patch.settings)),
      ...(patch.username !== undefined && { username: patch.username }),
      ...(patch.credentialId !== undefined && { credential_id: patch.credentialId }),
      ...(patch.jumpHostId !== undefined && { jump_host_id: patch.jumpHostId }),
      ...(patch.becomeCredentialId !== undefined && { become_credential_id: patch.becomeCredentialId }),
      ...(patch.tags !== undefined && { tags: uniqueTags(patch.tags) }),
      ...(patch.labels !== undefined && { labels: JSON.stringify(patch.labels) }),
      ...(patch.pool !== undefined && { pool: patch.pool }),
      // A host at a new address is a new machine as far as its key is concerned.
      ...(moved && {
        host_key_algorithm: null,
        host_key_fingerprint: null,
        pending_host_key_algorithm: null,
        pending_host_key_fingerprint: null,
      }),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function deleteHost(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('hosts').where('id', '=', id).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Records the key seen on first contact; a key recorded meanwhile by someone else wins. */
export async function recordHostKey(db: Db, id: string, k: HostKey): Promise<void> {
  await db
    .updateTable('hosts')
    .set({ host_key_algorithm: k.algorithm, host_key_fingerprint: k.fingerprint })
    .where('id', '=', id)
    .where('host_key_fingerprint', 'is', null)
    .execute();
}

export async function setPendingHostKey(db: Db, id: string, k: HostKey): Promise<void> {
  await db
    .updateTable('hosts')
    .set({ pending_host_key_algorithm: k.algorithm, pending_host_key_fingerprint: k.fingerprint })
    .where('id', '=', id)
    .execute();
}

/** Makes the pending key the recorded one; false when there is none pending. */
export async function acceptPendingHostKey(db: Db, id: string): Promise<boolean> {
  const r = await db
    .updateTable('hosts')
    .set((eb) => ({
      host_key_algorithm: eb.ref('pending_host_key_algorithm'),
      host_key_fingerprint: eb.ref('pending_host_key_fingerprint'),
      pending_host_key_algorithm: null,
      pending_host_key_fingerprint: null,
      updated_at: new Date(),
    }))
    .where('id', '=', id)
    .where('pending_host_key_fingerprint', 'is not', null)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Everything a worker needs to contact a host, secret still sealed. */
export async function getConnectInfo(db: Db, id: string) {
  return db
    .selectFrom('hosts as h')
    .leftJoin('credentials as c', 'c.id', 'h.credential_id')
    .leftJoin('credentials as bc', 'bc.id', 'h.become_credential_id')
    .select([
      'h.id',
      'h.name',
      'h.address',
      ...SETTINGS_COLUMNS,
      'h.username',
      'h.become_credential_id',
      'bc.kind as become_kind',
      'bc.secret as become_secret',
      'bc.key_id as become_key_id',
      'h.host_key_algorithm',
      'h.host_key_fingerprint',
      'h.jump_host_id',
      'h.facts_gathered_at',
      'h.credential_id',
      'c.kind as credential_kind',
      'c.secret',
      'c.key_id',
      'c.updated_at as credential_updated_at',
    ])
    .where('h.id', '=', id)
    .executeTakeFirst();
}

/** The hosts that name this one as their bastion. */
export async function hostsJumpingVia(db: Db, id: string): Promise<string[]> {
  const rows = await db
    .selectFrom('hosts')
    .select('name')
    .where('jump_host_id', '=', id)
    .orderBy('name')
    .execute();
  return rows.map((r) => r.name);
}

/** A host and the bastions behind it, in order (the host first); stops after `limit` hosts. */
export async function jumpChain(
  db: Db,
  id: string,
  limit = 32,
): Promise<{ id: string; name: string; transport: 'ssh' | 'winrm' }[]> {
  const r = await sql<{ id: string; name: string; transport: 'ssh' | 'winrm' }>`
    with recursive chain (id, name, transport, jump_host_id, depth) as (
      select id, name, transport, jump_host_id, 1 from hosts where id = ${id}
      union all
      select h.id, h.name, h.transport, h.jump_host_id, c.depth + 1
      from hosts h join chain c on h.id = c.jump_host_id
      where c.depth < ${limit}
    )
    select id, name, transport from chain order by depth`.execute(db);
  return r.rows;
}
