/** `orca jobs run` (typed parameter values, secrets asked without echo, followed live) and `orca jobs stats`. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { JobStats, LaunchJob } from '../http/job-run-schemas.ts';
import type { RunDetail } from '../http/schemas.ts';
import { ApiError } from './client.ts';
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
import { followToEnd, printStarted } from './follow.ts';
import { CliError, type CliIo, ExitCode, usageError } from './io.ts';
import { jobDefinition, resolveJob } from './job-ref.ts';
import { fields, formatDuration, formatTime } from './output.ts';
import {
  type Assignment,
  collectAssignment,
  convertParameters,
  parseParamsFile,
  type SecretToAsk,
} from './params.ts';
import { promptHidden, readSecret } from './prompt.ts';

interface RunFlags extends ConnectionFlags {
  readonly param: Assignment[];
  readonly paramsFile?: string;
  readonly hosts?: string;
  readonly selector?: string;
  readonly version?: number;
  readonly priority?: number;
  readonly follow: boolean;
  readonly json?: boolean;
}

/**
 * Values for the secrets nobody gave: asked one by one at a terminal (an optional one may be left
 * empty), or the one required secret read from piped input.
 */
export async function askSecrets(io: CliIo, ask: readonly SecretToAsk[]): Promise<[string, string][]> {
  const tty = io.stdin?.isTTY === true;
  const needed = tty ? ask : ask.filter((a) => a.required);
  if (!tty && needed.length > 1) {
    throw usageError(
      `secret parameters ${needed.map((a) => a.name).join(', ')} need values, and piped input holds only one; give the others in --params-file`,
    );
  }
  const out: [string, string][] = [];
  for (const a of needed) {
    if (!tty) {
      out.push([a.name, await readSecret(io, '', `value for secret parameter ${a.name}`)]);
      continue;
    }
    const about = a.description ? ` (${a.description})` : '';
    const value = await promptHidden(io, `${a.name}${about}${a.required ? '' : ', optional'}: `);
    if (value) out.push([a.name, value]);
    else if (a.required) throw usageError(`no value given for secret parameter ${a.name}`);
  }
  return out;
}

export async function readParams(path: string | undefined): Promise<Record<string, unknown>> {
  if (path === undefined) return {};
  const text = await readFile(path, 'utf8').catch(() => {
    throw usageError(`${path}: cannot read the parameters file`);
  });
  try {
    return parseParamsFile(path, text);
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
}

const percent = (rate: number | null): string => (rate === null ? '-' : `${(rate * 100).toFixed(1)}%`);
const ms = (v: number | null): string => (v === null ? '-' : formatDuration(v));

export function statsText(name: string, s: JobStats): string {
  return fields([
    ['job', name],
    [
      'runs',
      `${s.runs} (${s.finished} finished: ${s.succeeded} succeeded, ${s.failed} failed, ${s.canceled} canceled)`,
    ],
    [
      'success rate',
      `${percent(s.successRate)}${s.successRate === null ? '' : ' of succeeded and failed runs'}`,
    ],
    ['median', ms(s.medianDurationMs)],
    ['p95', ms(s.p95DurationMs)],
    ['last run', formatTime(s.lastRunAt)],
  ]);
}

export function registerJobRunCommands(jobs: Command, io: CliIo): void {
  withConnection(
    subcommand(jobs, 'run', io)
      .description('run a job with parameter values, and follow it live')
      .argument('<name-or-id>', 'the job')
      .option(
        '-p, --param <name=value>',
        'a parameter value (repeatable); lists comma-separated or repeated; a secret as name=- is asked for without echo',
        collectAssignment,
        [],
      )
      .option('--params-file <file>', 'values from a YAML or JSON mapping; -p wins over it')
      .option('--hosts <names>', "comma-separated host names, globs allowed (default: the job's targets)")
      .option('--selector <expr>', "hosts a selector picks, e.g. 'tag:web and env=prod' (with --hosts: both)")
      .option('--version <n>', 'run this version instead of the current one', positiveInt)
      .option('--priority <n>', 'from -100 to 100: higher starts first when workers are busy', priority)
      .option('--no-follow', 'print the run id and return at once')
      .option('--json', 'print the final run as JSON instead of the output'),
  ).action(
    action(io, async (key: string, flags: RunFlags) => {
      const client = await apiClient(io, flags);
      const job = await resolveJob(client, key);
      const definition = await jobDefinition(client, job, flags.version);
      const file = await readParams(flags.paramsFile);
      const converted = convertParameters(definition.parameters, file, flags.param);
      if (converted.problems.length > 0) {
        throw new CliError(`job ${job.name} was not started:`, ExitCode.usage, converted.problems);
      }
      for (const name of converted.exposed) {
        io.stderr(
          `warning: the secret ${name} was given on the command line, where the process list and shell history show it; use -p ${name}=- to be asked for it, or --params-file\n`,
        );
      }
      const secrets = await askSecrets(io, converted.ask);
      const hosts = flags.hosts === undefined ? undefined : parseHostList(flags.hosts);
      if (hosts?.length === 0) throw usageError('--hosts needs at least one host name');
      const body: LaunchJob = {
        parameters: Object.fromEntries([...Object.entries(converted.values), ...secrets]),
        ...((hosts || flags.selector !== undefined) && {
          targets: {
            ...(hosts && { hosts }),
            ...(flags.selector !== undefined && { selector: flags.selector }),
          },
        }),
        ...(flags.version ? { version: flags.version } : {}),
        ...(flags.priority !== undefined ? { priority: flags.priority } : {}),
      };
      let run: RunDetail;
      try {
        run = await client.post<RunDetail>(`/jobs/${job.id}/runs`, body);
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 400 || error.allDetails.length === 0)
          throw error;
        throw new CliError(`job ${job.name} was not started:`, ExitCode.usage, error.allDetails);
      }
      if (!flags.follow) return printStarted(io, run, flags.json === true);
      if (!flags.json) {
        const n = run.executions.length;
        io.stdout(
          colors(io).dim(
            `run ${run.id}: ${run.job?.name ?? job.name} v${run.job?.version ?? '?'} on ${n} host${n === 1 ? '' : 's'}\n`,
          ),
        );
      }
      return followToEnd(io, client, run, flags.json === true);
    }),
  );

  withConnection(
    subcommand(jobs, 'stats', io)
      .description("a job's runs: how many, success rate, median and p95 duration")
      .argument('<name-or-id>', 'the job')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags & { json?: boolean }) => {
      const client = await apiClient(io, flags);
      const job = await resolveJob(client, key);
      const stats = await client.get<JobStats>(`/jobs/${job.id}/stats`);
      if (flags.json) printJson(io, stats);
      else io.stdout(statsText(job.name, stats));
      return ExitCode.ok;
    }),
  );
}
