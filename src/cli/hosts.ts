/** `orca hosts list|add|show|test`; tag, untag and delete are in hosts-bulk.ts. */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import {
  OSES,
  type Os,
  SHELLS,
  type Shell,
  TRANSPORTS,
  type Transport,
  WINRM_AUTHS,
  type WinrmAuth,
} from '../domain/host-settings.ts';
import type { HostsBulkResult } from '../http/inventory-schemas.ts';
import type { Credential, Host, HostCheck } from '../http/schemas.ts';
import type { ApiClient } from './client.ts';
import {
  action,
  apiClient,
  type ConnectionFlags,
  colors,
  port,
  printJson,
  subcommand,
  withConnection,
} from './common.ts';
import { healthText, hostDetails, osText } from './host-show.ts';
import { registerHostBulk } from './hosts-bulk.ts';
import { registerHostImport } from './hosts-import.ts';
import { type CliIo, ExitCode, usageError } from './io.ts';
import { formatDuration, type Palette, palette, table } from './output.ts';
import { projectRef, withProjectOption } from './projects.ts';

interface AddFlags extends ConnectionFlags {
  /** --project: a project name or id. */
  readonly project?: string;
  readonly address: string;
  readonly port?: number;
  readonly user: string;
  readonly credential: string;
  readonly os?: Os;
  readonly transport?: Transport;
  readonly shell?: Shell;
  readonly https?: boolean;
  readonly winrmAuth?: WinrmAuth;
  readonly allowUnencrypted?: boolean;
  readonly caCert?: string;
  readonly insecureSkipVerify?: boolean;
  readonly jump?: string;
  readonly becomeCredential?: string;
  readonly tag: string[];
  readonly label: string[];
  readonly group: string[];
  readonly pool?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `k=v` flags as labels. */
export function parseLabelFlags(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw usageError(`--label ${v}: write key=value`);
    labels[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return labels;
}

/** The WinRM part of a host from the flags that were given; undefined when none was. */
function winrmFlags(flags: AddFlags): Record<string, unknown> | undefined {
  const winrm = {
    ...(flags.https !== undefined && { https: flags.https }),
    ...(flags.winrmAuth !== undefined && { auth: flags.winrmAuth }),
    ...(flags.allowUnencrypted !== undefined && { allowUnencrypted: flags.allowUnencrypted }),
    ...(flags.caCert !== undefined && { caCert: readCaCert(flags.caCert) }),
    ...(flags.insecureSkipVerify !== undefined && { skipVerify: flags.insecureSkipVerify }),
  };
  return Object.keys(winrm).length > 0 ? winrm : undefined;
}

function readCaCert(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(`--ca-cert ${path}: ${(error as Error).message}`);
  }
}

/** `linux ssh`, `windows winrm https` …: how a host is reached, at a glance. */
export function hostKind(h: Pick<Host, 'os' | 'transport' | 'winrm'>): string {
  if (h.transport === 'ssh') return `${h.os} ssh`;
  return `${h.os} winrm ${h.winrm?.https ? 'https' : 'http'}${h.winrm?.auth === 'basic' ? ' basic' : ''}`;
}

/** Finds an item by id or by name (the API addresses hosts and credentials by id only). */
export function findByNameOrId<T extends { id: string; name: string }>(
  items: readonly T[],
  key: string,
): T | undefined {
  return items.find((i) => i.id === key) ?? items.find((i) => i.name === key);
}

export async function resolveHost(client: ApiClient, key: string): Promise<Host> {
  const host = findByNameOrId(await client.get<Host[]>('/hosts'), key);
  if (!host) throw usageError(`no host named ${key}; see \`orca hosts list\``);
  return host;
}

export function checkText(check: HostCheck | null, p: Palette = palette(false)): string {
  if (!check) return '-';
  if (check.ok) return p.green(`ok${check.latencyMs === null ? '' : ` ${formatDuration(check.latencyMs)}`}`);
  return p.red(check.failureKind ?? 'failed');
}

/** The POOL column appears only when some host is routed to a worker pool. */
export function hostsTable(hosts: readonly Host[], p: Palette = palette(false)): string {
  const pools = hosts.some((h) => h.pool);
  return table(
    [
      'NAME',
      'KIND',
      'ADDRESS',
      'USER',
      'CREDENTIAL',
      'HEALTH',
      'OS',
      ...(pools ? ['POOL'] : []),
      'TAGS',
      'LABELS',
      'GROUPS',
    ],
    hosts.map((h) => [
      h.name,
      hostKind(h),
      `${h.address}:${h.port}${h.jumpHost ? ` via ${h.jumpHost}` : ''}`,
      h.username,
      h.credentialName ?? '-',
      healthText(h.health, p) + (h.pendingHostKey ? p.yellow(' (host key changed)') : ''),
      osText(h.facts),
      ...(pools ? [h.pool ?? '-'] : []),
      h.tags.join(',') || '-',
      Object.entries(h.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '-',
      h.groups.join(',') || '-',
    ]),
  );
}

export function registerHosts(program: Command, io: CliIo): void {
  const hosts = subcommand(program, 'hosts', io).description(
    'the inventory: list, add, show, pool, test, tag, untag, delete',
  );

  withConnection(
    subcommand(hosts, 'list', io)
      .description('every host with its health and OS, or those a selector or filter picks')
      .option('--project <name>', "only this project's hosts")
      .option('--selector <expr>', "e.g. 'tag:web and env=prod' (see docs/inventory.md)")
      .addOption(
        new Option('--health <status>', 'only hosts in this state').choices(['up', 'down', 'unknown']),
      )
      .option('--os <text>', 'only hosts whose OS fact contains this (any case)')
      .option('--pool <key=value>', 'only hosts routed to this worker pool (`none`: hosts any worker runs)')
      .option('--json', 'print JSON'),
  ).action(
    action(
      io,
      async (
        flags: ConnectionFlags & {
          json?: boolean;
          selector?: string;
          health?: string;
          os?: string;
          pool?: string;
          project?: string;
        },
      ) => {
        const query: Record<string, string> = {
          ...(flags.project !== undefined && { project: flags.project }),
          ...(flags.selector !== undefined && { selector: flags.selector }),
          ...(flags.health && { health: flags.health }),
          ...(flags.os && { os: flags.os }),
          ...(flags.pool && { pool: flags.pool }),
        };
        const list = await (await apiClient(io, flags)).get<Host[]>(
          '/hosts',
          Object.keys(query).length > 0 ? query : undefined,
        );
        if (flags.json) printJson(io, list);
        else if (list.length === 0 && flags.selector !== undefined) io.stdout('no host matches\n');
        else if (list.length === 0) io.stdout('no hosts; add one with `orca hosts add`\n');
        else io.stdout(hostsTable(list, colors(io)));
        return ExitCode.ok;
      },
    ),
  );

  withConnection(
    withProjectOption(subcommand(hosts, 'add', io))
      .description('register a Linux host (SSH) or a Windows host (WinRM by default, or OpenSSH)')
      .argument('<name>', 'a name for the host, e.g. web-1')
      .requiredOption('--address <address>', 'DNS name or IP address')
      .option('--port <port>', 'port (default 22 for SSH, 5985 for WinRM, 5986 with --https)', port)
      .requiredOption('--user <user>', 'the user to log in as (Windows: DOMAIN\\user, user@domain or user)')
      .requiredOption('--credential <name-or-id>', 'the credential to log in with')
      .addOption(new Option('--os <os>', 'operating system (default linux)').choices(OSES))
      .addOption(
        new Option('--transport <transport>', 'default: ssh for linux, winrm for windows').choices(
          TRANSPORTS,
        ),
      )
      .addOption(new Option('--shell <shell>', 'Windows: powershell (default) or cmd').choices(SHELLS))
      .option('--https', 'WinRM over HTTPS (5986) with certificate verification')
      .addOption(
        new Option(
          '--winrm-auth <auth>',
          'negotiate (NTLM with message encryption, default) or basic',
        ).choices(WINRM_AUTHS),
      )
      .option('--allow-unencrypted', 'the host accepts unencrypted WinRM messages (basic over plain HTTP)')
      .option('--ca-cert <file>', "PEM file of the CA that issued the host's HTTPS certificate")
      .option('--insecure-skip-verify', 'accept any HTTPS certificate (not recommended)')
      .option('--jump <host>', 'connect through this bastion (a registered SSH host, name or id)')
      .option('--become-credential <name>', 'the password credential sudo gets for become steps')
      .option('--tag <tag>', 'a tag (repeatable)', collect, [])
      .option('--label <key=value>', 'a label (repeatable)', collect, [])
      .option('--group <name>', 'a group to put the host in (repeatable)', collect, [])
      .option(
        '--pool <key=value>',
        'route it to a worker pool: only workers started with --tags key=value run it',
      ),
  ).action(
    action(io, async (name: string, flags: AddFlags) => {
      const client = await apiClient(io, flags);
      const credentials = await client.get<Credential[]>('/credentials');
      const credential = findByNameOrId(credentials, flags.credential);
      if (!credential)
        throw usageError(`no credential named ${flags.credential}; see \`orca credentials list\``);
      const become = flags.becomeCredential ? findByNameOrId(credentials, flags.becomeCredential) : undefined;
      if (flags.becomeCredential && !become) {
        throw usageError(`no credential named ${flags.becomeCredential}; see \`orca credentials list\``);
      }
      const host = await client.post<Host>('/hosts', {
        name,
        ...(await projectRef(client, flags.project)),
        address: flags.address,
        ...(flags.port ? { port: flags.port } : {}),
        ...(flags.os && { os: flags.os }),
        ...(flags.transport && { transport: flags.transport }),
        ...(flags.shell && { shell: flags.shell }),
        ...(winrmFlags(flags) && { winrm: winrmFlags(flags) }),
        username: flags.user,
        credentialId: credential.id,
        ...(flags.jump && { jumpHost: flags.jump }),
        ...(become && { becomeCredentialId: become.id }),
        ...(flags.tag.length > 0 && { tags: flags.tag }),
        ...(flags.label.length > 0 && { labels: parseLabelFlags(flags.label) }),
        ...(flags.group.length > 0 && { groups: flags.group }),
        ...(flags.pool && { pool: flags.pool }),
      });
      io.stdout(
        `added host ${host.name} (${hostKind(host)}, ${host.username}@${host.address}:${host.port}, credential ${credential.name}${host.jumpHost ? `, via ${host.jumpHost}` : ''}${host.pool ? `, pool ${host.pool}` : ''})\n`,
      );
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(hosts, 'show', io)
      .description('one host: connection, health and facts')
      .argument('<name-or-id>', 'the host')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags & { json?: boolean }) => {
      const host = await resolveHost(await apiClient(io, flags), key);
      if (flags.json) printJson(io, host);
      else io.stdout(hostDetails(host, colors(io)));
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(hosts, 'pool', io)
      .description('route a host to a worker pool (new executions and checks), or `none` for any worker')
      .argument('<name-or-id>', 'the host')
      .argument('<pool>', "key=value, as a worker's --tags; `none`: any worker"),
  ).action(
    action(io, async (key: string, pool: string, flags: ConnectionFlags) => {
      const client = await apiClient(io, flags);
      const host = await resolveHost(client, key);
      const after = await client.patch<Host>(`/hosts/${host.id}`, { pool: pool === 'none' ? null : pool });
      io.stdout(
        after.pool
          ? `${after.name}: runs on workers of pool ${after.pool}\n`
          : `${after.name}: runs on any worker\n`,
      );
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(hosts, 'test', io)
      .description('connect, authenticate, check the host key and run `true` (done by a worker)')
      .argument('<host-or-selector>', 'a host name or id, or a selector for many hosts'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags) => {
      const client = await apiClient(io, flags);
      const host = findByNameOrId(await client.get<Host[]>('/hosts'), key);
      if (!host) return testMany(io, client, key);
      const check = await client.post<HostCheck>(`/hosts/${host.id}/test`);
      const p = colors(io);
      if (check.ok) {
        io.stdout(`${host.name}: ${checkText(check, p)}${check.message ? ` (${check.message})` : ''}\n`);
        return ExitCode.ok;
      }
      io.stdout(`${host.name}: ${checkText(check, p)}: ${check.message}\n`);
      return ExitCode.failure;
    }),
  );

  registerHostBulk(hosts, io);
  registerHostImport(hosts, io);
}

/** `orca hosts test <selector>`: one check per host the selector picks. */
async function testMany(io: CliIo, client: ApiClient, selector: string): Promise<number> {
  const r = await client.post<HostsBulkResult>('/hosts/bulk', { action: 'test', selector });
  const p = colors(io);
  let failed = false;
  for (const c of r.checks) {
    if (!c.result?.ok) failed = true;
    const text = c.result ? checkText(c.result, p) : p.yellow('no answer yet');
    io.stdout(`${c.hostName}: ${text}${c.result?.message ? `: ${c.result.message}` : ''}\n`);
  }
  return failed ? ExitCode.failure : ExitCode.ok;
}
