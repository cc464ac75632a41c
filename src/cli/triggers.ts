/** `orca triggers list|add|revoke|log`: a job's inbound webhook triggers. */
import type { Command } from 'commander';
import type { Trigger, TriggerInvocation } from '../http/trigger-schemas.ts';
import {
  action,
  apiClient,
  type ConnectionFlags,
  positiveInt,
  printJson,
  priority,
  subcommand,
  withConnection,
} from './common.ts';
import { type CliIo, ExitCode, usageError } from './io.ts';
import { jobDefinition, resolveJob } from './job-ref.ts';
import { formatTime, table } from './output.ts';
import { type Assignment, collectAssignment, convertParameters, splitList } from './params.ts';

interface AddFlags extends ConnectionFlags {
  readonly map?: Assignment[];
  readonly value?: Assignment[];
  readonly hosts?: string;
  readonly version?: number;
  readonly priority?: number;
}

export function triggersTable(list: readonly Trigger[]): string {
  return table(
    ['NAME', 'URL', 'TOKEN', 'MAPPING', 'LAST CALL', 'STATE'],
    list.map((t) => [
      t.name,
      t.url,
      `${t.tokenPrefix}…`,
      Object.entries(t.mapping)
        .map(([k, v]) => `${k}←${v}`)
        .join(' ') || '-',
      t.lastUsedAt ? formatTime(t.lastUsedAt) : 'never',
      t.revokedAt ? 'revoked' : 'active',
    ]),
  );
}

async function triggerByName(io: CliIo, flags: ConnectionFlags, jobKey: string, name: string) {
  const client = await apiClient(io, flags);
  const job = await resolveJob(client, jobKey);
  const list = await client.get<Trigger[]>(`/jobs/${job.id}/triggers`);
  const trigger =
    list.find((t) => (t.name === name || t.id === name) && !t.revokedAt) ?? list.find((t) => t.id === name);
  if (!trigger) throw usageError(`job ${job.name} has no active trigger named ${name}`);
  return { client, job, trigger };
}

export function registerTriggers(program: Command, io: CliIo): void {
  const triggers = subcommand(program, 'triggers', io).description(
    "inbound webhooks that launch a job's runs: list, add, revoke, log",
  );

  withConnection(
    subcommand(triggers, 'list', io)
      .description("a job's triggers")
      .argument('<job>')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (jobKey: string, flags: ConnectionFlags & { json?: boolean }) => {
      const client = await apiClient(io, flags);
      const job = await resolveJob(client, jobKey);
      const list = await client.get<Trigger[]>(`/jobs/${job.id}/triggers`);
      if (flags.json) printJson(io, list);
      else if (list.length === 0)
        io.stdout(`job ${job.name} has no triggers; add one with \`orca triggers add\`\n`);
      else io.stdout(triggersTable(list));
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(triggers, 'add', io)
      .description('create a trigger; prints its URL and its token (shown once)')
      .argument('<job>')
      .argument('<name>')
      .option(
        '--map <param=path>',
        'fill a parameter from the request JSON, e.g. version=release.tag (repeat)',
        collectAssignment,
      )
      .option(
        '--value <param=value>',
        'a fixed parameter value (repeat); mapped values win',
        collectAssignment,
      )
      .option('--hosts <names>', "comma-separated hosts (globs allowed) instead of the job's targets")
      .option('--version <n>', 'pin a job version (default: the current one at each call)', positiveInt)
      .option('--priority <n>', 'of the runs it starts, from -100 to 100: higher starts first', priority),
  ).action(
    action(io, async (jobKey: string, name: string, flags: AddFlags) => {
      const client = await apiClient(io, flags);
      const job = await resolveJob(client, jobKey);
      const mapping = Object.fromEntries((flags.map ?? []).map((a) => [a.name, a.text]));
      let values: Record<string, unknown> = {};
      if (flags.value?.length) {
        const definition = await jobDefinition(client, job, flags.version);
        const converted = convertParameters(definition.parameters, {}, flags.value);
        const problem = converted.problems[0];
        if (problem)
          throw usageError(`--value ${problem.path.replace(/^parameters\./, '')}: ${problem.message}`);
        values = converted.values;
      }
      const created = await client.post<{ trigger: Trigger; token: string }>(`/jobs/${job.id}/triggers`, {
        name,
        ...(Object.keys(mapping).length > 0 && { mapping }),
        ...(Object.keys(values).length > 0 && { values }),
        ...(flags.hosts && { targets: { hosts: splitList(flags.hosts) } }),
        ...(flags.version && { version: flags.version }),
        ...(flags.priority !== undefined && { priority: flags.priority }),
      });
      io.stdout(
        [
          `trigger ${created.trigger.name} of job ${job.name}`,
          `  url:   ${created.trigger.url}`,
          `  token: ${created.token}`,
          '  (the token is shown only now; send it as X-Orca-Token, or sign the body with it: X-Orca-Signature: sha256=<hmac>)',
          '',
        ].join('\n'),
      );
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(triggers, 'revoke', io)
      .description('stop a trigger: its URL answers 401 at once')
      .argument('<job>')
      .argument('<name>'),
  ).action(
    action(io, async (jobKey: string, name: string, flags: ConnectionFlags) => {
      const { client, job, trigger } = await triggerByName(io, flags, jobKey, name);
      await client.delete(`/jobs/${job.id}/triggers/${trigger.id}`);
      io.stdout(`revoked trigger ${trigger.name} of job ${job.name}\n`);
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(triggers, 'log', io)
      .description("a trigger's calls, newest first")
      .argument('<job>')
      .argument('<name>')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (jobKey: string, name: string, flags: ConnectionFlags & { json?: boolean }) => {
      const { client, job, trigger } = await triggerByName(io, flags, jobKey, name);
      const log = await client.get<TriggerInvocation[]>(`/jobs/${job.id}/triggers/${trigger.id}/invocations`);
      if (flags.json) printJson(io, log);
      else if (log.length === 0) io.stdout('no calls yet\n');
      else
        io.stdout(
          table(
            ['TIME', 'FROM', 'STATUS', 'RUN', 'ERROR'],
            log.map((l) => [
              formatTime(l.at),
              l.remoteAddress ?? '-',
              String(l.status),
              l.runId ?? '-',
              l.error ?? '',
            ]),
          ),
        );
      return ExitCode.ok;
    }),
  );
}
