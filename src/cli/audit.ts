/** `orca audit [--action a] [--actor u] [--q text] [--failed] [--jsonl]`: the audit log (admins). */
import type { Command } from 'commander';
import type { AuditEntry } from '../http/audit-schemas.ts';
import {
  action,
  apiClient,
  type ConnectionFlags,
  positiveInt,
  subcommand,
  withConnection,
} from './common.ts';
import { type CliIo, ExitCode } from './io.ts';
import { formatTime, table } from './output.ts';

interface AuditFlags extends ConnectionFlags {
  readonly action?: string;
  readonly actor?: string;
  readonly target?: string;
  readonly q?: string;
  readonly failed?: boolean;
  readonly limit?: number;
  readonly jsonl?: boolean;
}

export function auditTable(entries: readonly AuditEntry[]): string {
  return table(
    ['TIME', 'ACTOR', 'VIA', 'ACTION', 'STATUS', 'PATH'],
    entries.map((e) => [formatTime(e.at), e.actor, e.via, e.action, String(e.status), e.path]),
  );
}

export function registerAudit(program: Command, io: CliIo): void {
  withConnection(
    subcommand(program, 'audit', io)
      .description('the audit log, newest first (admins): who changed what, when, from where')
      .option('--action <action>', 'an action or its prefix, e.g. hosts or runs.cancel')
      .option('--actor <name>', 'only what this user (or scheduler) did')
      .option('--target <id>', 'only entries about this object')
      .option('--q <text>', 'text anywhere in the entry')
      .option('--failed', 'only refused and failed requests')
      .option('--limit <n>', 'at most this many (default 100)', positiveInt)
      .option('--jsonl', 'print JSON lines (the export format)'),
  ).action(
    action(io, async (flags: AuditFlags) => {
      const query: Record<string, string> = {
        ...(flags.action && { action: flags.action }),
        ...(flags.actor && { actor: flags.actor }),
        ...(flags.target && { target: flags.target }),
        ...(flags.q && { q: flags.q }),
        ...(flags.failed && { failed: 'true' }),
        limit: String(flags.limit ?? 100),
      };
      const entries = await (await apiClient(io, flags)).get<AuditEntry[]>('/audit', query);
      if (flags.jsonl) io.stdout(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
      else if (entries.length === 0) io.stdout('no entries\n');
      else io.stdout(auditTable(entries));
      return ExitCode.ok;
    }),
  );
}
