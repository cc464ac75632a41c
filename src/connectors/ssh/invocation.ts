/** What orca sends to a host for one command, by its operating system and shell, and how it is killed. Pure. */
import { encodeSecretLine } from '../../domain/secret-env.ts';
import { ConnectorError, type ConnectTarget, FailureKind } from '../connector.ts';
import { killCommand, wrapCommand } from './command.ts';
import { taskkillCommand, windowsExitCode, wrapCmdForSsh, wrapPowerShellForSsh } from './windows-command.ts';

export interface InvocationOptions {
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly cwd?: string | undefined;
  /** Printed with the command's PID as the first line of stdout, where the shell allows it. */
  readonly pidMarker: string;
  /** A line for the command to read (POSIX only): sent on the channel, not in the command text. */
  readonly stdinLine?: string | undefined;
  /** Variables with secret values: sent on the channel (POSIX) or in PowerShell's stdin, never in the command text. */
  readonly secretEnv?: Readonly<Record<string, string>> | undefined;
}

export interface Invocation {
  /** The exec request's command text. */
  readonly commandLine: string;
  /**
   * Written to the channel's stdin, which is then closed. Null for POSIX hosts, whose wrapper
   * points stdin at /dev/null itself and leaves the channel open.
   */
  readonly stdin: string | null;
  /** Written to the channel's stdin, which stays open (POSIX: the wrapper reads these lines). */
  readonly stdinLine: string | null;
  /** Whether stdout starts with the `<marker>=<pid>` line. */
  readonly printsPid: boolean;
  /** Whether stderr carries PowerShell's `#< CLIXML` records, to be decoded. */
  readonly clixmlStderr: boolean;
  /** The command, run on a second channel, that kills the process `pid` and its children. */
  killCommand(pid: number): string;
  /** The exit code as the host's own tools would report it, from the SSH exit status. */
  exitCode(status: number): number;
}

const same = (status: number) => status;

export function planInvocation(
  target: Pick<ConnectTarget, 'os' | 'shell'>,
  command: string,
  options: InvocationOptions,
): Invocation {
  if (target.os !== 'windows') {
    const line = options.stdinLine;
    if (line !== undefined && /[\r\n\0]/.test(line)) throw new TypeError('the stdin line must be one line');
    const secrets = hasSecrets(options.secretEnv) ? `${encodeSecretLine(options.secretEnv)}\n` : '';
    const lines = (line === undefined ? '' : `${line}\n`) + secrets;
    return {
      commandLine: wrapCommand(command, {
        ...options,
        readsLine: line !== undefined,
        readsSecrets: secrets !== '',
      }),
      stdin: null,
      stdinLine: lines === '' ? null : lines,
      printsPid: true,
      clixmlStderr: false,
      killCommand,
      exitCode: same,
    };
  }
  if (options.stdinLine !== undefined) throw new TypeError('a stdin line is for POSIX hosts');
  if (target.shell === 'cmd' && hasSecrets(options.secretEnv)) {
    throw new ConnectorError(
      FailureKind.protocol,
      'secret values cannot reach cmd over OpenSSH without appearing on its command line: run the step with PowerShell (shell: powershell), or over WinRM',
    );
  }
  const windows =
    target.shell === 'cmd' ? wrapCmdForSsh(command, options) : wrapPowerShellForSsh(command, options);
  return { ...windows, stdinLine: null, killCommand: taskkillCommand, exitCode: windowsExitCode };
}

function hasSecrets(
  env: Readonly<Record<string, string>> | undefined,
): env is Readonly<Record<string, string>> {
  return env !== undefined && Object.keys(env).length > 0;
}
