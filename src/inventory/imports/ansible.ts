/**
 * Ansible inventories, INI and YAML, as hosts and groups. Groups nest (`children`); connection
 * variables apply with Ansible's precedence (host vars over group vars, a child group's over its
 * parent's, `all` weakest; groups of one depth in name order): `ansible_host`, `ansible_port`,
 * `ansible_user` (and their `ansible_ssh_*` forms), `ansible_connection` (`winrm` makes a Windows
 * host over WinRM). Other scalar variables become labels; secrets and the rest are reported.
 * Host ranges (`web[01:03]`, `db-[a:c]`) expand as Ansible expands them.
 */
import { parseDocument } from 'yaml';
import {
  ImportError,
  type ImportedGroup,
  type ImportedHost,
  type ImportNote,
  type ImportResult,
} from './types.ts';

type Vars = Record<string, unknown>;

interface Model {
  readonly hosts: Map<string, { vars: Vars; groups: Set<string>; source: string }>;
  readonly groups: Map<string, { vars: Vars; children: Set<string>; source: string }>;
  readonly notes: ImportNote[];
}

const IMPLICIT = new Set(['all', 'ungrouped']);
const SECRET = /pass(word)?$|_pass$|private_key|_secret|token/i;
const LABEL_KEY = /^[A-Za-z0-9_./-]{1,64}$/;

function model(): Model {
  return { hosts: new Map(), groups: new Map(), notes: [] };
}

function group(m: Model, name: string, source: string) {
  let g = m.groups.get(name);
  if (!g) {
    g = { vars: {}, children: new Set(), source };
    m.groups.set(name, g);
  }
  return g;
}

function host(m: Model, name: string, source: string) {
  let h = m.hosts.get(name);
  if (!h) {
    h = { vars: {}, groups: new Set(), source };
    m.hosts.set(name, h);
  }
  return h;
}

/** `web[01:03].x` → web01.x web02.x web03.x; `db-[a:c]`; `[1:10:2]` with a stride. */
export function expandHostPattern(pattern: string): string[] {
  const m = /^(.*?)\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\](.*)$/i.exec(pattern);
  if (!m) return [pattern];
  const [, head = '', from = '', to = '', step = '1', tail = ''] = m;
  const out: string[] = [];
  const stride = Math.max(1, Number(step));
  if (/^\d+$/.test(from) && /^\d+$/.test(to)) {
    const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
    for (let i = Number(from); i <= Number(to); i += stride) {
      for (const rest of expandHostPattern(tail)) out.push(`${head}${String(i).padStart(width, '0')}${rest}`);
    }
  } else if (/^[a-z]$/i.test(from) && /^[a-z]$/i.test(to)) {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c += stride) {
      for (const rest of expandHostPattern(tail)) out.push(`${head}${String.fromCharCode(c)}${rest}`);
    }
  } else {
    throw new ImportError(pattern, `cannot expand the range [${from}:${to}]`);
  }
  if (out.length > 10_000) throw new ImportError(pattern, 'the range makes more than 10000 hosts');
  return out;
}

/** `k=v k2="a b"` (INI host lines and vars), with Ansible's quoting. */
function keyValues(text: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S+)/g;
  for (const m of text.matchAll(re)) {
    let v = m[2] ?? '';
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out.push([m[1] ?? '', v]);
  }
  return out;
}

export function parseAnsibleIni(text: string, file: string): ImportResult {
  const m = model();
  let section = 'ungrouped';
  let kind: 'hosts' | 'vars' | 'children' = 'hosts';
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const source = `${file}:${i + 1}`;
    const line = raw.replace(/\s[;#].*$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]:]+)(?::(vars|children))?\]$/.exec(line);
    if (header) {
      section = header[1] ?? 'ungrouped';
      kind = (header[2] as 'vars' | 'children' | undefined) ?? 'hosts';
      if (line.includes(':') && !header[2]) throw new ImportError(source, `unknown section ${line}`);
      group(m, section, source);
      continue;
    }
    if (kind === 'vars') {
      const kv = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
      if (!kv) {
        m.notes.push({ source, message: `not a variable assignment: ${line}` });
        continue;
      }
      group(m, section, source).vars[kv[1] ?? ''] = (kv[2] ?? '').replace(/^(["'])(.*)\1$/, '$2');
    } else if (kind === 'children') {
      group(m, line, source);
      group(m, section, source).children.add(line);
    } else {
      const [pattern = '', ...rest] = line.split(/\s+/);
      const vars = Object.fromEntries(keyValues(rest.join(' ')));
      for (const name of expandHostPattern(pattern)) {
        const h = host(m, name, source);
        Object.assign(h.vars, vars);
        if (!IMPLICIT.has(section)) h.groups.add(section);
      }
    }
  }
  return resolve(m);
}

export function parseAnsibleYaml(text: string, file: string): ImportResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new ImportError(file, `not valid YAML: ${doc.errors[0]?.message}`);
  const root = doc.toJS() as unknown;
  if (!isObject(root)) throw new ImportError(file, 'an Ansible YAML inventory is a mapping of groups');
  const m = model();
  const walk = (name: string, body: unknown, parent: string | null, path: string) => {
    const g = group(m, name, `${file} (${path})`);
    if (parent && !IMPLICIT.has(parent)) group(m, parent, file).children.add(name);
    if (body === null || body === undefined) return;
    if (!isObject(body))
      throw new ImportError(file, `${path}: a group is a mapping of hosts, vars and children`);
    for (const key of Object.keys(body)) {
      if (!['hosts', 'vars', 'children'].includes(key))
        m.notes.push({
          source: `${file} (${path}.${key})`,
          message: `${key}: not an inventory key, ignored`,
        });
    }
    if (isObject(body.vars)) Object.assign(g.vars, body.vars);
    if (isObject(body.hosts)) {
      for (const [pattern, vars] of Object.entries(body.hosts)) {
        for (const hostName of expandHostPattern(pattern)) {
          const h = host(m, hostName, `${file} (${path}.hosts.${pattern})`);
          if (isObject(vars)) Object.assign(h.vars, vars);
          if (!IMPLICIT.has(name)) h.groups.add(name);
        }
      }
    }
    if (isObject(body.children)) {
      for (const [child, childBody] of Object.entries(body.children))
        walk(child, childBody, name, `${path}.children.${child}`);
    }
  };
  for (const [name, body] of Object.entries(root)) walk(name, body, null, name);
  return resolve(m);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Depth of each group below `all` (a group reached two ways takes the deeper). */
function depths(m: Model): Map<string, number> {
  const d = new Map<string, number>();
  const visit = (name: string, depth: number, trail: Set<string>) => {
    if (trail.has(name))
      throw new ImportError(m.groups.get(name)?.source ?? name, `group ${name} contains itself`);
    if ((d.get(name) ?? -1) >= depth) return;
    d.set(name, depth);
    for (const c of m.groups.get(name)?.children ?? []) visit(c, depth + 1, new Set([...trail, name]));
  };
  const children = new Set([...m.groups.values()].flatMap((g) => [...g.children]));
  for (const name of m.groups.keys()) if (!children.has(name)) visit(name, name === 'all' ? 0 : 1, new Set());
  // Groups no root reaches are in a loop of children.
  for (const name of m.groups.keys()) if (!d.has(name)) visit(name, 1, new Set());
  return d;
}

function resolve(m: Model): ImportResult {
  const depth = depths(m);
  const parents = new Map<string, Set<string>>();
  for (const [name, g] of m.groups)
    for (const c of g.children) parents.set(c, (parents.get(c) ?? new Set()).add(name));
  const ancestors = (name: string): string[] => {
    const out = new Set<string>();
    const queue = [name];
    while (queue.length > 0) {
      const n = queue.shift() as string;
      for (const p of parents.get(n) ?? []) {
        if (out.has(p)) continue;
        out.add(p);
        queue.push(p);
      }
    }
    return [...out];
  };
  const hosts: ImportedHost[] = [];
  for (const [name, h] of m.hosts) {
    const effective = new Set<string>(['all']);
    for (const g of h.groups) {
      effective.add(g);
      for (const a of ancestors(g)) effective.add(a);
    }
    const ordered = [...effective]
      .filter((g) => m.groups.has(g))
      .sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
    const vars: Vars = {};
    for (const g of ordered) Object.assign(vars, m.groups.get(g)?.vars);
    Object.assign(vars, h.vars);
    hosts.push(toHost(name, [...h.groups], vars, h.source, m.notes));
  }
  const groups: ImportedGroup[] = [...m.groups]
    .filter(([name]) => !IMPLICIT.has(name))
    .map(([name, g]) => ({
      name,
      children: [...g.children].filter((c) => !IMPLICIT.has(c)),
      source: g.source,
    }));
  return { hosts, groups, notes: m.notes };
}

function toHost(
  name: string,
  groups: string[],
  vars: Vars,
  source: string,
  notes: ImportNote[],
): ImportedHost {
  const text = (k: string) => {
    const v = vars[k];
    return v === undefined || v === null ? undefined : String(v);
  };
  const portText = text('ansible_port') ?? text('ansible_ssh_port');
  const port = portText === undefined ? undefined : Number(portText);
  if (portText !== undefined && !(Number.isInteger(port) && port! >= 1 && port! <= 65535)) {
    notes.push({
      source,
      message: `${name}: ansible_port ${portText} is not a port number; the default is used`,
    });
  }
  const connection = text('ansible_connection');
  let windows = false;
  if (connection === 'winrm' || connection === 'psrp') windows = true;
  else if (connection && !['ssh', 'paramiko', 'smart'].includes(connection)) {
    notes.push({
      source,
      message: `${name}: ansible_connection ${connection} is not something orca connects with; imported as SSH`,
    });
  }
  if (connection === 'psrp') notes.push({ source, message: `${name}: psrp imported as WinRM` });
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (k.startsWith('ansible_')) {
      if (KNOWN.has(k)) continue;
      notes.push({
        source,
        message: SECRET.test(k)
          ? `${name}: ${k} is a secret; orca does not import secrets (assign a credential)`
          : `${name}: ${k} is not used by orca, ignored`,
      });
    } else if (SECRET.test(k)) {
      notes.push({ source, message: `${name}: ${k} looks like a secret; not imported` });
    } else if (
      (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') &&
      LABEL_KEY.test(k) &&
      String(v).length <= 256
    ) {
      labels[k] = String(v);
    } else {
      notes.push({ source, message: `${name}: ${k} is not a short scalar, not kept as a label` });
    }
  }
  const scheme = text('ansible_winrm_scheme');
  return {
    name,
    address: text('ansible_host') ?? text('ansible_ssh_host') ?? name,
    port: Number.isInteger(port) && port! >= 1 && port! <= 65535 ? port : undefined,
    username: text('ansible_user') ?? text('ansible_ssh_user'),
    os: windows ? 'windows' : undefined,
    transport: windows ? 'winrm' : undefined,
    ...(windows && scheme ? { winrmHttps: scheme === 'https' } : {}),
    groups,
    tags: [],
    labels,
    source,
  };
}

const KNOWN = new Set([
  'ansible_host',
  'ansible_ssh_host',
  'ansible_port',
  'ansible_ssh_port',
  'ansible_user',
  'ansible_ssh_user',
  'ansible_connection',
  'ansible_winrm_scheme',
  'ansible_winrm_transport',
  'ansible_shell_type',
  'ansible_python_interpreter',
]);
