/**
 * OpenSSH client configuration (`~/.ssh/config`) as hosts: one host per concrete `Host` alias
 * (patterns with `*`, `?` or `!` only contribute settings), with each setting computed the way
 * OpenSSH does — the first value obtained wins, wildcard blocks apply to every alias they match —
 * by the `ssh-config` package. `Include` is resolved against the files of the import (relative
 * names under `~/.ssh/`, globs allowed). `Match` blocks are reported, never evaluated (`Match
 * exec` would run commands). Directives orca has no use for are reported per line.
 */
import SSHConfig from 'ssh-config';
import { globToRegExp } from '../../domain/targets.ts';
import {
  ImportError,
  type ImportedHost,
  type ImportFiles,
  type ImportNote,
  type ImportResult,
} from './types.ts';

/** Directives that carry nothing orca needs, and that cannot change where or as whom it connects. */
const HARMLESS = new Set([
  'addkeystoagent',
  'compression',
  'controlmaster',
  'controlpath',
  'controlpersist',
  'forwardagent',
  'forwardx11',
  'identitiesonly',
  'loglevel',
  'serveraliveinterval',
  'serveralivecountmax',
  'stricthostkeychecking',
  'userknownhostsfile',
  'tcpkeepalive',
  'visualhostkey',
  'hashknownhosts',
  'preferredauthentications',
  'connecttimeout',
  'sendenv',
  'setenv',
  'usekeychain',
]);
const USED = new Set(['host', 'hostname', 'user', 'port', 'identityfile', 'proxyjump', 'include']);
const MAX_INCLUDE_DEPTH = 16;

interface Flat {
  readonly text: string;
  /** For each line of `text`, where it came from. */
  readonly origins: string[];
}

/** The config with every Include replaced by the files it names, line origins kept. */
function flatten(files: ImportFiles, name: string, notes: ImportNote[], depth = 0): Flat {
  const text = files.get(name);
  if (text === undefined) throw new ImportError(name, 'no such file in the import');
  const lines: string[] = [];
  const origins: string[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    const source = `${name}:${i + 1}`;
    const include = /^\s*include\s*(?:=\s*|\s+)(.+?)\s*$/i.exec(line);
    if (!include?.[1]) {
      lines.push(line);
      origins.push(source);
      continue;
    }
    if (depth >= MAX_INCLUDE_DEPTH) throw new ImportError(source, 'Include nests too deep (a loop?)');
    for (const pattern of include[1].split(/\s+/)) {
      const wanted = includeName(pattern);
      const re = globToRegExp(wanted);
      let found = [...files.keys()].filter((f) => f === wanted || re.test(f)).sort();
      if (found.length === 0 && wanted.includes('/')) {
        // Files uploaded one by one carry their base names only.
        const base = globToRegExp(wanted.slice(wanted.lastIndexOf('/') + 1));
        found = [...files.keys()].filter((f) => !f.includes('/') && f !== name && base.test(f)).sort();
      }
      if (found.length === 0)
        notes.push({ source, message: `Include ${pattern}: not in the import, skipped` });
      for (const f of found) {
        const inner = flatten(files, f, notes, depth + 1);
        lines.push(...inner.text.split('\n'));
        origins.push(...inner.origins);
      }
    }
  }
  return { text: lines.join('\n'), origins };
}

/** OpenSSH reads relative Include paths under ~/.ssh/. */
function includeName(pattern: string): string {
  const p = pattern.replace(/^~\/\.ssh\//, '').replace(/^~\//, '');
  return p;
}

const valueText = (
  v: SSHConfig[number] extends infer L ? (L extends { value: infer V } ? V : never) : never,
) => (typeof v === 'string' ? v : v.map((x) => x.val).join(' '));

const isPattern = (alias: string) => /[*?!]/.test(alias);

export function parseSshConfig(files: ImportFiles, main: string): ImportResult {
  const notes: ImportNote[] = [];
  const flat = flatten(files, main, notes);
  let config: SSHConfig;
  try {
    config = SSHConfig.parse(flat.text);
  } catch (e) {
    throw new ImportError(main, `not a valid ssh_config: ${(e as Error).message}`);
  }
  // Line numbers of the parsed directives: walk the flattened text in the same order.
  const lineOf = directiveLines(flat);
  const aliases: { alias: string; source: string }[] = [];
  let at = 0;
  const visit = (lines: SSHConfig, inMatch: boolean) => {
    for (const line of lines) {
      if (line.type !== SSHConfig.DIRECTIVE) continue;
      const source = lineOf[at++] ?? main;
      const param = line.param.toLowerCase();
      if ('config' in line && param === 'host') {
        for (const alias of valueText(line.value).split(/\s+/).filter(Boolean)) {
          if (!isPattern(alias)) aliases.push({ alias, source });
        }
        visit(line.config, false);
      } else if ('config' in line && param === 'match') {
        notes.push({
          source,
          message: `Match ${valueText(line.value)}: not evaluated; its settings are not imported`,
        });
        visit(line.config, true);
      } else if (!inMatch && !USED.has(param) && !HARMLESS.has(param)) {
        notes.push({ source, message: `${line.param}: not used by orca, ignored` });
      }
    }
  };
  visit(config, false);

  const hosts: ImportedHost[] = [];
  const seen = new Set<string>();
  for (const { alias, source } of aliases) {
    if (seen.has(alias)) continue;
    seen.add(alias);
    const c = config.compute(alias, { ignoreCase: true, matchExec: false }) as Record<
      string,
      string | string[]
    >;
    const one = (k: string) => {
      const v = c[k];
      return Array.isArray(v) ? v[0] : v;
    };
    const port = one('port');
    const portNumber = port === undefined ? undefined : Number(port);
    if (port !== undefined && !(Number.isInteger(portNumber) && portNumber! >= 1 && portNumber! <= 65535)) {
      notes.push({ source, message: `${alias}: Port ${port} is not a port number; the default is used` });
    }
    const jump = one('proxyjump');
    let jumpHost: string | undefined;
    if (jump && jump.toLowerCase() !== 'none') {
      const hops = jump.split(',');
      // The hop nearest the client; the rest of a chain is the bastion's own jump host.
      jumpHost = (hops[0] ?? '').replace(/^[^@]*@/, '').replace(/:\d+$/, '');
      if (hops.length > 1) {
        notes.push({
          source,
          message: `${alias}: ProxyJump ${jump}: orca takes the first hop; give ${jumpHost} its own jump host for the rest`,
        });
      }
    }
    const identity = c.identityfile;
    const identityFiles =
      identity === undefined ? undefined : Array.isArray(identity) ? identity : [identity];
    hosts.push({
      name: alias,
      address: (one('hostname') ?? alias).replace(/%h/g, alias),
      port:
        port !== undefined && Number.isInteger(portNumber) && portNumber! >= 1 && portNumber! <= 65535
          ? portNumber
          : undefined,
      username: one('user'),
      jumpHost,
      identityFiles,
      groups: [],
      tags: [],
      labels: {},
      source,
    });
  }
  for (const h of hosts) {
    if (h.identityFiles?.length) {
      notes.push({
        source: h.source,
        message: `${h.name}: IdentityFile ${h.identityFiles.join(', ')}: orca does not read keys from disk; assign a credential`,
      });
    }
  }
  return { hosts, groups: [], notes };
}

/** The origin of each directive line (not comments or blank lines), in file order. */
function directiveLines(flat: Flat): string[] {
  const out: string[] = [];
  for (const [i, line] of flat.text.split('\n').entries()) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    out.push(flat.origins[i] ?? '');
  }
  return out;
}
