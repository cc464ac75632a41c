/**
 * The command text orca sends to a Windows host over OpenSSH, and the command that kills it.
 * OpenSSH for Windows runs an exec request as `cmd.exe /c <command line>` (its default shell), so
 * what is sent is a cmd command line: `powershell.exe … -EncodedCommand …` for PowerShell, the
 * user's command itself for cmd. Pure.
 */

import { cmdUnsafeCharacter } from '../../domain/shell-quote.ts';
import { planPowerShell, quote as psQuote } from '../windows/powershell.ts';
import { assertEnvName } from './command.ts';

export interface WindowsWrapOptions {
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly cwd?: string | undefined;
  /** PowerShell only: printed with powershell.exe's PID as the first line of stdout. */
  readonly pidMarker: string;
  /** PowerShell only: variables set by the script read from stdin, never on the command line. */
  readonly secretEnv?: Readonly<Record<string, string>> | undefined;
}

/** What to send for one command. */
export interface WindowsInvocation {
  /** The exec request's command line, run by the host's `cmd.exe /c`. */
  readonly commandLine: string;
  /** Written to the command's stdin, which is then closed; empty: closed at once. */
  readonly stdin: string;
  /** Whether stdout starts with the `<marker>=<pid>` line. */
  readonly printsPid: boolean;
  /** Whether stderr carries PowerShell's `#< CLIXML` records, to be decoded. */
  readonly clixmlStderr: boolean;
}

// Windows environment blocks and paths are NUL-terminated strings: a NUL would cut them short.
function assertNoNul(value: string, what: string): void {
  if (value.includes('\0')) throw new TypeError(`${what} must not contain a NUL character`);
}

/**
 * The statements run before the user's script, on one line: the PID behind the marker, the
 * environment (`$env:` also reaches native commands the script starts), then the working
 * directory, failing the script with 1 if it cannot be entered. [Environment]::CurrentDirectory
 * follows so .NET calls with relative paths agree with Set-Location, as a real cwd would.
 * Values are single-quoted literals, in which nothing but a quote is special (see psQuote).
 * An empty value removes the variable: Windows cannot hold an empty one.
 */
export function powershellPrologue(options: WindowsWrapOptions): string {
  if (!/^[A-Za-z0-9_]+$/.test(options.pidMarker)) throw new TypeError('the PID marker must be a plain word');
  const parts = [`Write-Output "${options.pidMarker}=$PID"`];
  for (const [name, value] of Object.entries(options.env ?? {})) {
    assertEnvName(name);
    assertNoNul(value, `the value of ${name}`);
    parts.push(`$env:${name} = ${psQuote(value)}`);
  }
  if (options.cwd !== undefined) {
    assertNoNul(options.cwd, 'the working directory');
    parts.push(
      `Set-Location -LiteralPath ${psQuote(options.cwd)}`,
      'if (-not $?) { exit 1 }',
      '[Environment]::CurrentDirectory = $PWD.ProviderPath',
    );
  }
  return parts.join('; ');
}

/**
 * A PowerShell script for a Windows host: the prologue, then the user's script in a script block
 * of its own, so error positions ("At line:3") match the user's lines and the script may open
 * with `param()` or `using`. Through planPowerShell:
 * `-EncodedCommand` (no quoting for cmd to get wrong, the exit code kept), or, past cmd's
 * 8191-character limit, `-Command -` with the script on stdin.
 */
export function wrapPowerShellForSsh(script: string, options: WindowsWrapOptions): WindowsInvocation {
  assertNoNul(script, 'the command');
  const plan = planPowerShell(script, powershellPrologue(options), options.secretEnv);
  return {
    commandLine: plan.commandLine,
    stdin: plan.mode === 'stdin' ? plan.stdin : '',
    printsPid: true,
    clixmlStderr: true,
  };
}

function assertCmdSafe(value: string, what: string): void {
  const bad = cmdUnsafeCharacter(value);
  if (bad !== undefined) {
    throw new TypeError(
      `${what} cannot be passed to cmd safely: it contains ${JSON.stringify(bad)} (", %, !, CR, LF and NUL are refused)`,
    );
  }
}

/**
 * A cmd command line: `cd /d "<cwd>"||exit 1&` (the command does not run if the directory cannot
 * be entered), `set "NAME=value"&` for each variable, then the user's command as written. No
 * `cmd.exe /c` of its own: the host's cmd would split it at the first `&` and run the rest itself,
 * losing the variables. Within double quotes cmd treats `& | < > ^ ( )` literally; the characters
 * it still acts on there are refused. As in any one cmd line, `%NAME%` in the command is expanded
 * before the `set` runs; programs it starts see the variables. No PID is printed.
 */
export function wrapCmdForSsh(
  command: string,
  options: Omit<WindowsWrapOptions, 'pidMarker'>,
): WindowsInvocation {
  assertNoNul(command, 'the command');
  let prefix = '';
  if (options.cwd !== undefined) {
    assertCmdSafe(options.cwd, 'the working directory');
    prefix += `cd /d "${options.cwd}"||exit 1&`;
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    assertEnvName(name);
    assertCmdSafe(value, `the value of ${name}`);
    prefix += `set "${name}=${value}"&`;
  }
  return { commandLine: `${prefix}${command}`, stdin: '', printsPid: false, clixmlStderr: false };
}

/** Ends the process `pid` (powershell.exe) and every process it started. */
export function taskkillCommand(pid: number): string {
  // 0 is the System Idle Process and 4 the System process.
  if (!Number.isSafeInteger(pid) || pid <= 4) throw new RangeError(`refusing to kill process ${pid}`);
  return `taskkill /F /T /PID ${pid}`;
}

/** Windows exit codes are DWORDs: 4294967295 is -1 (what `exit -1` and many tools mean). */
export function windowsExitCode(code: number): number {
  return code > 0x7fffffff && code <= 0xffffffff ? code - 0x100000000 : code;
}
