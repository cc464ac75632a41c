/** `orca hosts tag|untag|delete <selector>`: changes to every host a selector picks, all or none. */
import type { Command } from 'commander';
import type { HostsBulkResult } from '../http/inventory-schemas.ts';
import type { ResolvedTargets } from '../http/job-run-schemas.ts';
import { action, apiClient, type ConnectionFlags, subcommand, withConnection } from './common.ts';
import { type CliIo, ExitCode, usageError } from './io.ts';

const TARGET_HELP =
  'a selector: names and globs (web-1,web-*), tag:NAME, KEY=VALUE, group:NAME, and/or/not (quote it in the shell)';

const names = (r: { hosts: readonly { name: string }[] }) => r.hosts.map((h) => h.name).join(', ');

export function registerHostBulk(hosts: Command, io: CliIo): void {
  for (const act of ['tag', 'untag'] as const) {
    withConnection(
      subcommand(hosts, act, io)
        .description(act === 'tag' ? 'add tags to hosts' : 'remove tags from hosts')
        .argument('<selector>', TARGET_HELP)
        .argument('<tags...>', 'the tags'),
    ).action(
      action(io, async (selector: string, tags: string[], flags: ConnectionFlags) => {
        const client = await apiClient(io, flags);
        const r = await client.post<HostsBulkResult>('/hosts/bulk', { action: act, selector, tags });
        const verb = act === 'tag' ? 'tagged' : 'untagged';
        io.stdout(`${verb} ${r.hosts.length} host(s) ${tags.join(', ')}: ${names(r)}\n`);
        return ExitCode.ok;
      }),
    );
  }

  withConnection(
    subcommand(hosts, 'delete', io)
      .description('remove hosts (their run history stays); shows them first unless --yes')
      .argument('<selector>', TARGET_HELP)
      .option('--yes', 'delete without asking'),
  ).action(
    action(io, async (selector: string, flags: ConnectionFlags & { yes?: boolean }) => {
      const client = await apiClient(io, flags);
      if (!flags.yes) {
        const preview = await client.post<ResolvedTargets>('/hosts/resolve', { selector });
        throw usageError(
          `this would delete ${preview.hosts.length} host(s): ${names(preview)}; add --yes to delete them`,
        );
      }
      const r = await client.post<HostsBulkResult>('/hosts/bulk', { action: 'delete', selector });
      io.stdout(`deleted ${r.hosts.length} host(s): ${names(r)}\n`);
      return ExitCode.ok;
    }),
  );
}
