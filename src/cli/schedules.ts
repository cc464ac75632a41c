/** `orca schedules`: list, create, show, enable, disable, delete, and preview fire times. */
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CreateSchedule, Schedule } from '../http/schedule-schemas.ts';
import { type ApiClient, ApiError } from './client.ts';
import {
  action,
  apiClient,
  type ConnectionFlags,
  colors,
  positiveInt,
  printJson,
  priority,
  subcommand,
  withConnection,
} from './common.ts';
import { parseHostList } from './exec.ts';
import { findByNameOrId } from './hosts.ts';
import { CliError, type CliIo, ExitCode, usageError } from './io.ts';
import { jobDefinition, resolveJob } from './job-ref.ts';
import { askSecrets, readParams } from './job-runs.ts';
import { fields, formatTime, statusText, table } from './output.ts';
import { type Assignment, collectAssignment, convertParameters } from './params.ts';

interface Fire {
  fireAt: string;
  status: string;
  message: string | null;
  run: { id: string; status: string } | null;
}

async function resolveSchedule(client: ApiClient, key: string): Promise<Schedule> {
  const s = findByNameOrId(await client.get<Schedule[]>('/schedules'), key);
  if (!s) throw usageError(`no schedule named ${key}; see \`orca schedules list\``);
  return s;
}

const versionText = (v: number | null) => (v === null ? 'latest' : `v${v}`);

export function schedulesTable(list: readonly Schedule[]): string {
  if (list.length === 0) return 'no schedules; create one with `orca schedules create`\n';
  return table(
    ['NAME', 'JOB', 'CRON', 'TIME ZONE', 'STATE', 'LAST RUN', 'NEXT'],
    list.map((s) => [
      s.name,
      `${s.job.name} ${versionText(s.version)}`,
      s.cron,
      s.timeZone,
      s.enabled ? (s.job.active ? 'enabled' : 'job inactive') : 'disabled',
      s.lastRun ? `${formatTime(s.lastRun.createdAt)} ${s.lastRun.status}` : '-',
      formatTime(s.nextFireAt),
    ]),
  );
}

export function scheduleText(s: Schedule, fires: readonly Fire[], io: CliIo): string {
  const params = Object.entries(s.parameters).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  const head = fields([
    ['schedule', `${s.name} (${s.id})`],
    ['job', `${s.job.name} ${versionText(s.version)}${s.job.active ? '' : ' (inactive: does not fire)'}`],
    ['cron', `${s.cron} in ${s.timeZone}`],
    ['state', s.enabled ? 'enabled' : 'disabled'],
    ['overlap', s.overlap],
    ['misfire', s.misfire],
    ['priority', String(s.priority)],
    ['targets', s.targets?.hosts?.join(', ') ?? s.targets?.selector ?? "the job's"],
    ['parameters', params.length ? params.join(' ') : '-'],
    ['last fire', formatTime(s.lastFireAt)],
    ['next fire', formatTime(s.nextFireAt)],
  ]);
  if (fires.length === 0) return `${head}\nno fires yet\n`;
  const rows = fires.map((f) => [
    formatTime(f.fireAt),
    f.status,
    f.run ? `${f.run.id} ${statusText(f.run.status, colors(io))}` : '-',
    f.message ?? '',
  ]);
  return `${head}\n${table(['FIRE TIME', 'FIRE', 'RUN', 'NOTE'], rows)}`;
}

interface CreateFlags extends ConnectionFlags {
  readonly job: string;
  readonly cron: string;
  readonly tz: string;
  readonly version?: number | 'latest';
  readonly param: Assignment[];
  readonly paramsFile?: string;
  readonly hosts?: string;
  readonly overlap: 'skip' | 'queue' | 'allow';
  readonly misfire: 'skip' | 'run-once';
  readonly priority?: number;
  readonly disabled?: boolean;
  readonly json?: boolean;
}

const versionArg = (v: string): number | 'latest' => {
  if (v === 'latest') return v;
  try {
    return positiveInt(v);
  } catch {
    throw new InvalidArgumentError('a version number or "latest"');
  }
};

async function create(io: CliIo, name: string, flags: CreateFlags): Promise<number> {
  const client = await apiClient(io, flags);
  const job = await resolveJob(client, flags.job);
  const pinned = flags.version === 'latest' ? undefined : flags.version;
  const definition = await jobDefinition(client, job, pinned);
  const converted = convertParameters(definition.parameters, await readParams(flags.paramsFile), flags.param);
  if (converted.problems.length > 0) {
    throw new CliError(`schedule ${name} was not created:`, ExitCode.usage, converted.problems);
  }
  for (const secret of converted.exposed) {
    io.stderr(
      `warning: the secret ${secret} was given on the command line; use -p ${secret}=- or --params-file\n`,
    );
  }
  const secrets = await askSecrets(io, converted.ask);
  const hosts = flags.hosts === undefined ? undefined : parseHostList(flags.hosts);
  if (hosts?.length === 0) throw usageError('--hosts needs at least one host name');
  const body: CreateSchedule = {
    name,
    jobId: job.id,
    version: pinned ?? null,
    parameters: Object.fromEntries([...Object.entries(converted.values), ...secrets]),
    ...(hosts ? { targets: { hosts } } : {}),
    cron: flags.cron,
    timeZone: flags.tz,
    overlap: flags.overlap,
    misfire: flags.misfire,
    ...(flags.priority !== undefined ? { priority: flags.priority } : {}),
    enabled: flags.disabled !== true,
  };
  let saved: Schedule;
  try {
    saved = await client.post<Schedule>('/schedules', body);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400 || error.allDetails.length === 0) throw error;
    throw new CliError(`schedule ${name} was not created:`, ExitCode.usage, error.allDetails);
  }
  if (flags.json) printJson(io, saved);
  else io.stdout(`created schedule ${saved.name}; next fire ${formatTime(saved.nextFireAt)}\n`);
  return ExitCode.ok;
}

export function registerSchedules(program: Command, io: CliIo): void {
  const schedules = subcommand(program, 'schedules', io).description(
    'jobs on a cron schedule: list, create, show, enable, disable, delete, preview',
  );

  withConnection(
    subcommand(schedules, 'list', io)
      .description('schedules with their last run and next fire time')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ConnectionFlags & { json?: boolean }) => {
      const list = await (await apiClient(io, flags)).get<Schedule[]>('/schedules');
      if (flags.json) printJson(io, list);
      else io.stdout(schedulesTable(list));
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(schedules, 'create', io)
      .description('run a job on a cron expression in a time zone')
      .argument('<name>', 'the schedule’s name')
      .requiredOption('--job <name-or-id>', 'the job to run')
      .requiredOption('--cron <expression>', 'cron expression: seconds optional, L, #, ranges, @daily …')
      .option('--tz <zone>', 'IANA time zone', 'UTC')
      .option('--version <n|latest>', 'pin a job version (default: latest when it fires)', versionArg)
      .option(
        '-p, --param <name=value>',
        'a parameter value (repeatable); a secret as name=- is asked for',
        collectAssignment,
        [],
      )
      .option('--params-file <file>', 'values from a YAML or JSON mapping; -p wins over it')
      .option('--hosts <names>', "comma-separated host names, globs allowed (default: the job's targets)")
      .addOption(
        new Option('--overlap <policy>', 'when the previous run is still going')
          .choices(['skip', 'queue', 'allow'])
          .default('skip'),
      )
      .addOption(
        new Option('--misfire <policy>', 'fire times missed while no server ran')
          .choices(['skip', 'run-once'])
          .default('skip'),
      )
      .option('--priority <n>', 'of the runs it starts, from -100 to 100: higher starts first', priority)
      .option('--disabled', 'create it disabled')
      .option('--json', 'print the schedule as JSON'),
  ).action(action(io, (name: string, flags: CreateFlags) => create(io, name, flags)));

  withConnection(
    subcommand(schedules, 'show', io)
      .description('a schedule and its recent fires with their runs')
      .argument('<name-or-id>', 'the schedule')
      .option('--fires <n>', 'how many recent fires', positiveInt, 10)
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags & { fires: number; json?: boolean }) => {
      const client = await apiClient(io, flags);
      const s = await resolveSchedule(client, key);
      const fires = await client.get<Fire[]>(`/schedules/${s.id}/fires`, { limit: String(flags.fires) });
      if (flags.json) printJson(io, { ...s, fires });
      else io.stdout(scheduleText(s, fires, io));
      return ExitCode.ok;
    }),
  );

  for (const verb of ['enable', 'disable'] as const) {
    withConnection(
      subcommand(schedules, verb, io)
        .description(verb === 'enable' ? 'fire again, from the next fire time after now' : 'stop firing')
        .argument('<name-or-id>', 'the schedule'),
    ).action(
      action(io, async (key: string, flags: ConnectionFlags) => {
        const client = await apiClient(io, flags);
        const s = await client.post<Schedule>(
          `/schedules/${(await resolveSchedule(client, key)).id}/${verb}`,
        );
        io.stdout(`${s.name} ${verb}d${s.enabled ? `; next fire ${formatTime(s.nextFireAt)}` : ''}\n`);
        return ExitCode.ok;
      }),
    );
  }

  withConnection(
    subcommand(schedules, 'delete', io)
      .description('delete a schedule and its fire history')
      .argument('<name-or-id>', 'the schedule'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags) => {
      const client = await apiClient(io, flags);
      const s = await resolveSchedule(client, key);
      await client.delete(`/schedules/${s.id}`);
      io.stdout(`deleted schedule ${s.name}\n`);
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(schedules, 'preview', io)
      .description('the next fire times of a cron expression')
      .argument('<cron>', 'cron expression')
      .option('--tz <zone>', 'IANA time zone', 'UTC')
      .option('-n, --count <n>', 'how many', positiveInt, 5)
      .option('--json', 'print JSON'),
  ).action(
    action(
      io,
      async (cron: string, flags: ConnectionFlags & { tz: string; count: number; json?: boolean }) => {
        const client = await apiClient(io, flags);
        let preview: { fireTimes: string[]; timeZone: string };
        try {
          preview = await client.post('/schedules/preview', { cron, timeZone: flags.tz, count: flags.count });
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 400 || error.allDetails.length === 0)
            throw error;
          throw new CliError('cannot preview:', ExitCode.usage, error.allDetails);
        }
        if (flags.json) printJson(io, preview);
        else io.stdout(preview.fireTimes.map((t) => `${t}  ${localTime(t, preview.timeZone)}\n`).join(''));
        return ExitCode.ok;
      },
    ),
  );
}

/** The instant as wall time in the zone: 2026-03-29 03:00 CEST. */
export function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(iso));
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')} ${p('timeZoneName')}`;
}
