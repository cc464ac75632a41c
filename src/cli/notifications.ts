/** `orca notifications list|add-webhook|add-email|enable|disable|remove|deliveries`. */
import type { Command } from 'commander';
import type { NotificationDelivery, NotificationRule } from '../http/notification-schemas.ts';
import { action, apiClient, type ConnectionFlags, printJson, subcommand, withConnection } from './common.ts';
import { type CliIo, ExitCode, usageError } from './io.ts';
import { formatTime, table } from './output.ts';
import { readSecret } from './prompt.ts';

const EVENTS = ['start', 'success', 'failure', 'cancel'];

interface RuleFlags extends ConnectionFlags {
  readonly on: string;
  readonly job?: string;
  readonly disabled?: boolean;
}

/** `--on failure,cancel` as a list, every name checked. */
export function parseEvents(text: string): string[] {
  const events = [
    ...new Set(
      text
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
    ),
  ];
  const bad = events.filter((e) => !EVENTS.includes(e));
  if (events.length === 0 || bad.length > 0) {
    throw usageError(
      `--on takes a comma-separated list of ${EVENTS.join(', ')}${bad.length ? `; not ${bad.join(', ')}` : ''}`,
    );
  }
  return events;
}

export function rulesTable(list: readonly NotificationRule[]): string {
  return table(
    ['NAME', 'KIND', 'TARGET', 'ON', 'JOB', 'ENABLED'],
    list.map((r) => [
      r.name,
      r.kind + (r.signed ? ' (signed)' : ''),
      r.url ?? (r.recipients ?? []).join(', '),
      r.events.join(','),
      r.job?.name ?? '(every run)',
      r.enabled ? 'yes' : 'no',
    ]),
  );
}

export function deliveriesTable(list: readonly NotificationDelivery[]): string {
  return table(
    ['TIME', 'RULE', 'RUN', 'EVENT', 'STATUS', 'ATTEMPTS', 'ERROR'],
    list.map((d) => [
      formatTime(d.createdAt),
      d.ruleName,
      d.runId,
      d.event,
      d.status,
      String(d.attempts),
      d.lastError ?? '',
    ]),
  );
}

async function ruleByName(io: CliIo, flags: ConnectionFlags, name: string): Promise<NotificationRule> {
  const list = await (await apiClient(io, flags)).get<NotificationRule[]>('/notifications');
  const rule = list.find((r) => r.name === name || r.id === name);
  if (!rule) throw usageError(`no notification rule is named ${name}`);
  return rule;
}

function ruleOptions(c: Command): Command {
  return withConnection(
    c
      .requiredOption('--on <events>', `when to notify: a comma-separated list of ${EVENTS.join(', ')}`)
      .option('--job <job>', 'only runs of this job (default: every run)')
      .option('--disabled', 'save the rule switched off'),
  );
}

export function registerNotifications(program: Command, io: CliIo): void {
  const n = subcommand(program, 'notifications', io).description(
    'who hears about runs: webhooks and email on start, success, failure, cancel',
  );

  withConnection(subcommand(n, 'list', io).description('every rule').option('--json', 'print JSON')).action(
    action(io, async (flags: ConnectionFlags & { json?: boolean }) => {
      const list = await (await apiClient(io, flags)).get<NotificationRule[]>('/notifications');
      if (flags.json) printJson(io, list);
      else if (list.length === 0)
        io.stdout('no notification rules; add one with `orca notifications add-webhook`\n');
      else io.stdout(rulesTable(list));
      return ExitCode.ok;
    }),
  );

  ruleOptions(
    subcommand(n, 'add-webhook', io)
      .description('POST a JSON run summary to a URL')
      .argument('<name>', 'a name for the rule')
      .argument('<url>', 'http:// or https:// URL')
      .option('--secret-stdin', 'read an HMAC key from standard input: bodies are signed (X-Orca-Signature)'),
  ).action(
    action(io, async (name: string, url: string, flags: RuleFlags & { secretStdin?: boolean }) => {
      const body: Record<string, unknown> = {
        name,
        kind: 'webhook',
        url,
        events: parseEvents(flags.on),
        ...(flags.job && { job: flags.job }),
        ...(flags.disabled && { enabled: false }),
      };
      if (flags.secretStdin) body.secret = await readSecret(io, 'signing key: ', 'signing key');
      const rule = await (await apiClient(io, flags)).post<NotificationRule>('/notifications', body);
      io.stdout(`added webhook ${rule.name} on ${rule.events.join(', ')}${rule.signed ? ', signed' : ''}\n`);
      return ExitCode.ok;
    }),
  );

  ruleOptions(
    subcommand(n, 'add-email', io)
      .description('mail a run summary through the configured SMTP server')
      .argument('<name>', 'a name for the rule')
      .argument('<recipients...>', 'email addresses'),
  ).action(
    action(io, async (name: string, recipients: string[], flags: RuleFlags) => {
      const rule = await (await apiClient(io, flags)).post<NotificationRule>('/notifications', {
        name,
        kind: 'email',
        recipients,
        events: parseEvents(flags.on),
        ...(flags.job && { job: flags.job }),
        ...(flags.disabled && { enabled: false }),
      });
      io.stdout(
        `added email ${rule.name} to ${(rule.recipients ?? []).join(', ')} on ${rule.events.join(', ')}\n`,
      );
      return ExitCode.ok;
    }),
  );

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    withConnection(
      subcommand(n, verb, io)
        .description(`switch a rule ${enabled ? 'on' : 'off'}`)
        .argument('<name>'),
    ).action(
      action(io, async (name: string, flags: ConnectionFlags) => {
        const rule = await ruleByName(io, flags, name);
        await (await apiClient(io, flags)).patch<NotificationRule>(`/notifications/${rule.id}`, { enabled });
        io.stdout(`${rule.name} ${enabled ? 'enabled' : 'disabled'}\n`);
        return ExitCode.ok;
      }),
    );
  }

  withConnection(
    subcommand(n, 'remove', io).description('delete a rule and its delivery log').argument('<name>'),
  ).action(
    action(io, async (name: string, flags: ConnectionFlags) => {
      const rule = await ruleByName(io, flags, name);
      await (await apiClient(io, flags)).delete(`/notifications/${rule.id}`);
      io.stdout(`removed ${rule.name}\n`);
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(n, 'deliveries', io)
      .description('the delivery log, newest first')
      .option('--rule <name>', 'only this rule')
      .option('--run <id>', 'only this run')
      .option('--failed', 'only deliveries that failed')
      .option('--json', 'print JSON'),
  ).action(
    action(
      io,
      async (flags: ConnectionFlags & { rule?: string; run?: string; failed?: boolean; json?: boolean }) => {
        const query: Record<string, string> = {};
        if (flags.rule) query.rule = (await ruleByName(io, flags, flags.rule)).id;
        if (flags.run) query.run = flags.run;
        if (flags.failed) query.status = 'failed';
        const list = await (await apiClient(io, flags)).get<NotificationDelivery[]>(
          '/notifications/deliveries',
          query,
        );
        if (flags.json) printJson(io, list);
        else if (list.length === 0) io.stdout('no deliveries\n');
        else io.stdout(deliveriesTable(list));
        return ExitCode.ok;
      },
    ),
  );
}
