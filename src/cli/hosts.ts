/** `orca hosts list|add|test` */
import type { Command } from 'commander';
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
import { type CliIo, ExitCode, usageError } from './io.ts';
import { formatDuration, type Palette, palette, table } from './output.ts';

interface AddFlags extends ConnectionFlags {
  readonly address: string;
  readonly port?: number;
  readonly user: string;
  readonly credential: string;
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

export function hostsTable(hosts: readonly Host[], p: Palette = palette(false)): string {
  return table(
    ['NAME', 'ADDRESS', 'USER', 'CREDENTIAL', 'LAST CHECK'],
    hosts.map((h) => [
      h.name,
      `${h.address}:${h.port}`,
      h.username,
      h.credentialName ?? '-',
      checkText(h.lastCheck, p) + (h.pendingHostKey ? p.yellow(' (host key changed)') : ''),
    ]),
  );
}

export function registerHosts(program: Command, io: CliIo): void {
  const hosts = subcommand(program, 'hosts', io).description('the inventory: list, add, test');

  withConnection(
    subcommand(hosts, 'list', io).description('every host').option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ConnectionFlags & { json?: boolean }) => {
      const list = await (await apiClient(io, flags)).get<Host[]>('/hosts');
      if (flags.json) printJson(io, list);
      else if (list.length === 0) io.stdout('no hosts; add one with `orca hosts add`\n');
      else io.stdout(hostsTable(list, colors(io)));
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(hosts, 'add', io)
      .description('register a host reachable over SSH')
      .argument('<name>', 'a name for the host, e.g. web-1')
      .requiredOption('--address <address>', 'DNS name or IP address')
      .option('--port <port>', 'SSH port (default 22)', port)
      .requiredOption('--user <user>', 'the user to log in as')
      .requiredOption('--credential <name-or-id>', 'the credential to log in with'),
  ).action(
    action(io, async (name: string, flags: AddFlags) => {
      const client = await apiClient(io, flags);
      const credential = findByNameOrId(await client.get<Credential[]>('/credentials'), flags.credential);
      if (!credential)
        throw usageError(`no credential named ${flags.credential}; see \`orca credentials list\``);
      const host = await client.post<Host>('/hosts', {
        name,
        address: flags.address,
        ...(flags.port ? { port: flags.port } : {}),
        username: flags.user,
        credentialId: credential.id,
      });
      io.stdout(
        `added host ${host.name} (${host.username}@${host.address}:${host.port}, credential ${credential.name})\n`,
      );
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(hosts, 'test', io)
      .description('connect, authenticate, check the host key and run `true` (done by a worker)')
      .argument('<name-or-id>', 'the host'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags) => {
      const client = await apiClient(io, flags);
      const host = await resolveHost(client, key);
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
}
