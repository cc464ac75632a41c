/** `orca groups list|create|add|remove|delete`: host groups, their members and nested groups. */
import type { Command } from 'commander';
import type { Group } from '../http/inventory-schemas.ts';
import type { ApiClient } from './client.ts';
import { action, apiClient, type ConnectionFlags, printJson, subcommand, withConnection } from './common.ts';
import { findByNameOrId } from './hosts.ts';
import { type CliIo, ExitCode, usageError } from './io.ts';
import { table } from './output.ts';
import { projectRef, withProjectOption } from './projects.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

interface MemberFlags extends ConnectionFlags {
  readonly child: string[];
}

async function resolveGroup(client: ApiClient, key: string): Promise<Group> {
  const group = findByNameOrId(await client.get<Group[]>('/groups'), key);
  if (!group) throw usageError(`no group named ${key}; see \`orca groups list\``);
  return group;
}

export function groupsTable(groups: readonly Group[]): string {
  const list = (xs: readonly string[]) => (xs.length > 0 ? xs.join(',') : '-');
  return table(
    ['NAME', 'HOSTS', 'CHILDREN', 'PARENTS', 'DESCRIPTION'],
    groups.map((g) => [g.name, list(g.hosts), list(g.children), list(g.parents), g.description || '-']),
  );
}

export function registerGroups(program: Command, io: CliIo): void {
  const groups = subcommand(program, 'groups', io).description(
    'host groups: list, create, add, remove, delete (groups may nest)',
  );

  withConnection(
    subcommand(groups, 'list', io).description('every group').option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ConnectionFlags & { json?: boolean }) => {
      const list = await (await apiClient(io, flags)).get<Group[]>('/groups');
      if (flags.json) printJson(io, list);
      else if (list.length === 0) io.stdout('no groups; create one with `orca groups create`\n');
      else io.stdout(groupsTable(list));
      return ExitCode.ok;
    }),
  );

  withConnection(
    withProjectOption(subcommand(groups, 'create', io))
      .description('create a group')
      .argument('<name>', 'e.g. eu-web')
      .argument('[hosts...]', 'hosts to put in it')
      .option('--description <text>', 'what the group is for')
      .option('--child <group>', 'a group to nest in it (repeatable)', collect, []),
  ).action(
    action(
      io,
      async (
        name: string,
        hosts: string[],
        flags: MemberFlags & { description?: string; project?: string },
      ) => {
        const client = await apiClient(io, flags);
        const g = await client.post<Group>('/groups', {
          name,
          ...(await projectRef(client, flags.project)),
          ...(flags.description !== undefined && { description: flags.description }),
          ...(flags.child.length > 0 && { children: flags.child }),
          ...(hosts.length > 0 && { hosts }),
        });
        io.stdout(
          `created group ${g.name} (${g.hosts.length} host(s), ${g.children.length} nested group(s))\n`,
        );
        return ExitCode.ok;
      },
    ),
  );

  for (const act of ['add', 'remove'] as const) {
    withConnection(
      subcommand(groups, act, io)
        .description(act === 'add' ? 'put hosts or groups in a group' : 'take hosts or groups out of a group')
        .argument('<group>', 'the group')
        .argument('[hosts...]', 'host names')
        .option('--child <group>', 'a nested group (repeatable)', collect, []),
    ).action(
      action(io, async (key: string, hosts: string[], flags: MemberFlags) => {
        if (hosts.length === 0 && flags.child.length === 0) {
          throw usageError(`name the hosts (or --child groups) to ${act}`);
        }
        const client = await apiClient(io, flags);
        const g = await resolveGroup(client, key);
        const change = (current: readonly string[], given: readonly string[]) =>
          act === 'add' ? [...new Set([...current, ...given])] : current.filter((x) => !given.includes(x));
        const patch = {
          ...(hosts.length > 0 && { hosts: change(g.hosts, hosts) }),
          ...(flags.child.length > 0 && { children: change(g.children, flags.child) }),
        };
        const r = (await client.send<Group>('PATCH', `/groups/${g.id}`, { body: patch })).body;
        io.stdout(
          `group ${r.name}: hosts ${r.hosts.join(', ') || '-'}; nested ${r.children.join(', ') || '-'}\n`,
        );
        return ExitCode.ok;
      }),
    );
  }

  withConnection(
    subcommand(groups, 'delete', io)
      .description('delete a group (its hosts and nested groups stay)')
      .argument('<group>', 'the group'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags) => {
      const client = await apiClient(io, flags);
      const g = await resolveGroup(client, key);
      await client.delete(`/groups/${g.id}`);
      io.stdout(`deleted group ${g.name}\n`);
      return ExitCode.ok;
    }),
  );
}
