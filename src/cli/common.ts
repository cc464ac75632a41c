/** Plumbing every client command shares: options, the action wrapper, the API client. */
import { type Command, InvalidArgumentError } from 'commander';
import { ApiClient } from './client.ts';
import { readConfig, resolveConnection } from './config.ts';
import { type CliIo, ExitCode, reportError } from './io.ts';
import { type Palette, palette } from './output.ts';

/** `--url` / `--token`, accepted by every command that talks to a server. */
export interface ConnectionFlags {
  readonly url?: string;
  readonly token?: string;
}

/** A sub-command that reports usage errors with exit code 2 and writes through `io`. */
export function subcommand(parent: Command, nameAndArgs: string, io: CliIo): Command {
  return parent
    .command(nameAndArgs)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride((err) => {
      const shown = err.code === 'commander.helpDisplayed' || err.code === 'commander.version';
      const code = shown ? ExitCode.ok : ExitCode.usage;
      if (io.exit) io.exit(code);
      else process.exitCode = code;
      throw err;
    });
}

export function withConnection(cmd: Command): Command {
  return cmd
    .option(
      '--url <url>',
      'orca server (default: $ORCA_URL, else the `orca login` file, else http://localhost:8080)',
    )
    .option('--token <token>', 'API token (default: $ORCA_TOKEN, else the `orca login` file)');
}

export async function apiClient(io: CliIo, flags: ConnectionFlags): Promise<ApiClient> {
  const c = resolveConnection(flags, io.env, await readConfig(io.configDir));
  return new ApiClient(c.url, c.token);
}

/** Runs a command body, prints its error if it throws, and exits with its code. */
export function action<A extends unknown[]>(io: CliIo, body: (...args: A) => Promise<number | undefined>) {
  return async (...args: A): Promise<void> => {
    let code: number;
    try {
      code = (await body(...args)) ?? ExitCode.ok;
    } catch (error) {
      code = reportError(io, error);
    }
    if (io.exit) io.exit(code);
    else process.exitCode = code;
  };
}

export const colors = (io: CliIo): Palette => palette(io.isTTY === true && !io.env.NO_COLOR);

export const printJson = (io: CliIo, value: unknown): void =>
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);

/** commander argParser for a whole number ≥ 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('must be a whole number of at least 1');
  }
  return n;
}

/** commander argParser for `--priority`: a whole number from -100 to 100. */
export function priority(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || n < -100 || n > 100) {
    throw new InvalidArgumentError('must be a whole number from -100 to 100 (higher starts first)');
  }
  return n;
}

/** commander argParser for a TCP port. */
export function port(value: string): number {
  const n = positiveInt(value);
  if (n > 65535) throw new InvalidArgumentError('must be between 1 and 65535');
  return n;
}
