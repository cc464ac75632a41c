/**
 * The shell text orca sends to a host: POSIX quoting, the wrapper around a user's command and
 * the command that kills it. Pure.
 */

import { SECRET_LINE_DECODER } from '../../domain/secret-env.ts';
import { shQuote } from '../../domain/shell-quote.ts';

export { shQuote };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function assertEnvName(name: string): void {
  if (!ENV_NAME.test(name)) {
    throw new TypeError(
      `environment variable name ${JSON.stringify(name)} is not valid: use letters, digits and _, not starting with a digit`,
    );
  }
}

// A NUL byte would silently cut the command short: execve() ends its arguments at NUL.
function assertNoNul(value: string, what: string): void {
  if (value.includes('\0')) throw new TypeError(`${what} must not contain a NUL character`);
}

export interface WrapOptions {
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly cwd?: string | undefined;
  /** Printed with the shell's PID as the first line of stdout; the connector strips it. */
  readonly pidMarker: string;
  /** Read one line from the channel into $ORCA_STDIN_LINE before stdin is closed. */
  readonly readsLine?: boolean | undefined;
  /** Then read the encoded secret line (secret-env.ts) and export its variables. */
  readonly readsSecrets?: boolean | undefined;
}

/**
 * Wraps a command for an exec channel. sshd runs it as `$SHELL -c <text>` in a new session
 * (sshd calls setsid()), so the shell's PID is also its process group and session ID: knowing
 * it lets orca kill the command and all its children. The preamble:
 * - prints the PID behind a random marker on stdout (stripped by the connector, so the
 *   consumer sees clean output; stderr is untouched);
 * - reads the line(s) orca sends on the channel: `stdinLine`, then the secret variables;
 * - points stdin at /dev/null, so a command that reads stdin gets EOF instead of hanging,
 *   while the channel stays open for signal requests;
 * - changes directory (failing the command if it cannot) and exports the environment:
 *   sshd ignores most `env` requests (AcceptEnv), so variables travel in the command text.
 * The user's command starts on its own line so that our line always runs first.
 */
export function wrapCommand(command: string, options: WrapOptions): string {
  assertNoNul(command, 'the command');
  if (!/^[A-Za-z0-9_]+$/.test(options.pidMarker)) throw new TypeError('the PID marker must be a plain word');
  const parts = [`printf '%s%s\\n' ${options.pidMarker}= "$$"`];
  // One line from the channel first (ExecOptions.stdinLine), then stdin is closed as always.
  if (options.readsLine) parts.push('IFS= read -r ORCA_STDIN_LINE');
  if (options.readsSecrets) parts.push(SECRET_LINE_DECODER);
  parts.push('exec </dev/null');
  if (options.cwd !== undefined) {
    assertNoNul(options.cwd, 'the working directory');
    // An empty CDPATH keeps a relative cwd relative to the home directory, and cd quiet.
    parts.push(`CDPATH= cd -- ${shQuote(options.cwd)} || exit`);
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    assertEnvName(name);
    assertNoNul(value, `the value of ${name}`);
    parts.push(`export ${name}=${shQuote(value)}`);
  }
  return `${parts.join('; ')}\n${command}`;
}

/**
 * Kills the process group and session led by `pid`: the group with one atomic kill(), then any
 * member that moved to its own group (job control) with pkill -s where pkill exists.
 */
export function killCommand(pid: number): string {
  if (!Number.isSafeInteger(pid) || pid <= 1) throw new RangeError(`refusing to kill process ${pid}`);
  return [
    `kill -KILL -- -${pid} 2>/dev/null`,
    `command -v pkill >/dev/null 2>&1 && pkill -KILL -s ${pid} 2>/dev/null`,
    `kill -KILL ${pid} 2>/dev/null`,
    'exit 0',
  ].join('; ');
}
