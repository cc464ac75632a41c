/**
 * What an import would do to the inventory, decided before anything is written: per host `add`,
 * `change` (with each field's old and new value) or `unchanged`; per group the same; and the
 * problems that keep a host out. Matching is by name. An import only adds: tags are added to a
 * host's, labels set or overwritten key by key, group memberships and group children added;
 * nothing the source does not mention is removed, so applying the same source twice changes
 * nothing the second time. Pure.
 */
import type { ImportedGroup, ImportedHost, ImportNote, ImportResult } from './types.ts';

export interface ExistingHost {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly username: string;
  readonly os: 'linux' | 'windows';
  readonly transport: 'ssh' | 'winrm';
  readonly winrmHttps: boolean;
  readonly jumpHost: string | null;
  readonly tags: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
}

export interface ExistingGroup {
  readonly name: string;
  readonly children: readonly string[];
}

export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface HostPlan {
  readonly name: string;
  readonly action: 'add' | 'change' | 'unchanged';
  readonly changes: FieldChange[];
  readonly source: string;
  /** What to write: the imported host with the defaults filled in. */
  readonly host: ImportedHost & { readonly username: string };
}

export interface GroupPlan {
  readonly name: string;
  readonly action: 'add' | 'change' | 'unchanged';
  /** Children to add. */
  readonly addChildren: string[];
  readonly source: string;
}

export interface ImportPlan {
  readonly hosts: HostPlan[];
  readonly groups: GroupPlan[];
  /** Hosts left out, and why. */
  readonly problems: ImportNote[];
  readonly notes: ImportNote[];
}

export interface PlanOptions {
  /** For hosts the source gives no user. */
  readonly defaultUser?: string | undefined;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const TAG = /^[A-Za-z0-9_.:-]{1,64}$/;

function defaultPort(transport: 'ssh' | 'winrm', https: boolean): number {
  return transport === 'ssh' ? 22 : https ? 5986 : 5985;
}

export function planImport(
  imported: ImportResult,
  existing: { hosts: readonly ExistingHost[]; groups: readonly ExistingGroup[] },
  options: PlanOptions = {},
): ImportPlan {
  const problems: ImportNote[] = [];
  const hostsByName = new Map(existing.hosts.map((h) => [h.name, h]));
  const groupsByName = new Map(existing.groups.map((g) => [g.name, g]));
  const importedNames = new Set(imported.hosts.map((h) => h.name));

  // Groups: every group the source names, and every group a host is put in.
  const wantedGroups = new Map<string, ImportedGroup>();
  for (const g of imported.groups) wantedGroups.set(g.name, g);
  for (const h of imported.hosts) {
    for (const g of h.groups)
      if (!wantedGroups.has(g)) wantedGroups.set(g, { name: g, children: [], source: h.source });
  }
  const groups: GroupPlan[] = [];
  for (const g of wantedGroups.values()) {
    if (!NAME.test(g.name)) {
      problems.push({
        source: g.source,
        message: `group ${JSON.stringify(g.name)}: not a valid name, left out`,
      });
      continue;
    }
    const current = groupsByName.get(g.name);
    const addChildren = g.children.filter((c) => !current?.children.includes(c) && NAME.test(c));
    groups.push({
      name: g.name,
      action: current ? (addChildren.length > 0 ? 'change' : 'unchanged') : 'add',
      addChildren,
      source: g.source,
    });
  }
  const groupOk = new Set(groups.map((g) => g.name));

  const hosts: HostPlan[] = [];
  const seen = new Set<string>();
  for (const h of imported.hosts) {
    const bad = (message: string) => problems.push({ source: h.source, message: `${h.name}: ${message}` });
    if (seen.has(h.name)) {
      bad('appears twice; the first one is taken');
      continue;
    }
    seen.add(h.name);
    if (!NAME.test(h.name)) {
      bad('not a valid host name (letters, digits, _ . -; up to 128), left out');
      continue;
    }
    const current = hostsByName.get(h.name);
    const username = h.username ?? current?.username ?? options.defaultUser;
    if (!username) {
      bad('no user in the source; give a default user, left out');
      continue;
    }
    if (h.jumpHost && !importedNames.has(h.jumpHost) && !hostsByName.has(h.jumpHost)) {
      bad(`jump host ${h.jumpHost} is neither in this import nor registered, left out`);
      continue;
    }
    if (h.jumpHost === h.name) {
      bad('names itself as its jump host, left out');
      continue;
    }
    const os = h.os ?? (h.transport === 'winrm' ? 'windows' : (current?.os ?? 'linux'));
    const transport =
      h.transport ??
      (h.os && h.os !== current?.os
        ? os === 'windows'
          ? 'winrm'
          : 'ssh'
        : (current?.transport ?? (os === 'windows' ? 'winrm' : 'ssh')));
    if (transport === 'winrm' && os !== 'windows') {
      bad('WinRM on a Linux host cannot work, left out');
      continue;
    }
    const https = h.winrmHttps ?? current?.winrmHttps ?? false;
    const port = h.port ?? current?.port ?? defaultPort(transport, https);
    const tags = h.tags.filter((t) => TAG.test(t));
    for (const t of h.tags) if (!TAG.test(t)) bad(`tag ${JSON.stringify(t)} is not a valid tag, ignored`);
    const memberOf = h.groups.filter((g) => groupOk.has(g));
    const next = {
      address: h.address,
      port,
      username,
      os,
      transport,
      winrmHttps: transport === 'winrm' ? https : false,
      jumpHost: h.jumpHost ?? current?.jumpHost ?? null,
      tags: [...new Set([...(current?.tags ?? []), ...tags])],
      labels: { ...(current?.labels ?? {}), ...h.labels },
      groups: [...new Set([...(current?.groups ?? []), ...memberOf])],
    };
    const host = { ...h, username, port, os, transport, winrmHttps: next.winrmHttps, tags, groups: memberOf };
    if (!current) {
      hosts.push({ name: h.name, action: 'add', changes: [], source: h.source, host });
      continue;
    }
    const changes: FieldChange[] = [];
    const before: Record<string, unknown> = {
      address: current.address,
      port: current.port,
      username: current.username,
      os: current.os,
      transport: current.transport,
      winrmHttps: current.transport === 'winrm' ? current.winrmHttps : false,
      jumpHost: current.jumpHost,
      tags: [...current.tags],
      labels: { ...current.labels },
      groups: [...current.groups],
    };
    for (const [field, to] of Object.entries(next)) {
      const from = before[field];
      if (JSON.stringify(normalize(from)) !== JSON.stringify(normalize(to)))
        changes.push({ field, from, to });
    }
    hosts.push({
      name: h.name,
      action: changes.length > 0 ? 'change' : 'unchanged',
      changes,
      source: h.source,
      host,
    });
  }
  return { hosts, groups, problems, notes: imported.notes };
}

/** Lists compare as sets, objects by sorted keys. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return [...v].map(String).sort();
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)));
  return v;
}
