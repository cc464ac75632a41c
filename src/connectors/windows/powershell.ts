// Command lines that run a PowerShell script (or a cmd command) through WinRS, with the exit code
// the user expects.

/** cmd.exe's command-line limit; WinRS starts commands through `cmd.exe /c`, so it applies to ours. */
export const COMMAND_LINE_LIMIT = 8191;

const POWERSHELL = 'powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass';

/** Base64 of the script's UTF-16LE bytes: the form `-EncodedCommand` takes. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/** Inverse of {@link encodePowerShell}. */
export function decodePowerShell(encoded: string): string {
  return Buffer.from(encoded, 'base64').toString('utf16le');
}

import { powershellQuote as quote } from '../../domain/shell-quote.ts';

export { quote };

/**
 * Wraps a script so that the process exit code follows the script:
 * an explicit `exit N` wins; else the last native command's `$LASTEXITCODE` when non-zero;
 * else 1 when the script's last statement failed (`$?` false); else 0.
 *
 * Why this shape:
 * - The user's text is compiled with `[scriptblock]::Create` from a quoted literal instead of being
 *   pasted inside `& { … }`, so it is parsed as a whole script: `using`, `param()` and `#requires`
 *   keep working at its top and error positions ("At line:3 char:1") match the user's own lines.
 * - `$?` after `& $block` only says whether invoking the block failed, not whether its last
 *   statement did, so `$?` is captured inside the block by a line appended to the script.
 * - `exit N` inside the block unwinds to the host and ends powershell.exe with N; nothing after runs.
 * - No try/catch: inside `try`, statement-terminating errors in the script would be caught and abort
 *   it, changing its semantics. An uncaught `throw` already ends powershell.exe with 1.
 * - `$ProgressPreference` silences progress records, which would otherwise flood stderr as CLIXML.
 */
export function wrapPowerShell(script: string, prologue = ''): string {
  const body = `${script}\n$global:OrcaLastOk = $?`;
  return [
    "$ProgressPreference = 'SilentlyContinue'",
    '$global:OrcaLastOk = $true',
    // Set-up orca needs (environment, directory) runs outside the user's script, which then
    // starts at its own line 1 and may open with param() or using.
    ...(prologue ? [prologue] : []),
    `& ([scriptblock]::Create(${quote(body)}))`,
    'if ($LASTEXITCODE) { exit $LASTEXITCODE }',
    'if (-not $global:OrcaLastOk) { exit 1 }',
    'exit 0',
  ].join('\n');
}

/** The full command line running `script` (wrapped) with `-EncodedCommand`. */
export function powershellCommandLine(script: string, prologue = ''): string {
  return `${POWERSHELL} -EncodedCommand ${encodePowerShell(wrapPowerShell(script, prologue))}`;
}

/** Command line of the stdin mode: PowerShell reads its commands from stdin. */
export const POWERSHELL_STDIN_COMMAND_LINE = `${POWERSHELL} -Command -`;

/** How to run a script: all on the command line, or a short command line plus stdin. */
export type PowerShellPlan =
  | { readonly mode: 'inline'; readonly commandLine: string }
  | {
      readonly mode: 'stdin';
      readonly commandLine: string;
      /** Send this (UTF-8/ASCII) on stdin, closing it after; start the command with consoleModeStdin false. */
      readonly stdin: string;
    };

/**
 * Picks inline `-EncodedCommand` when the command line fits {@link COMMAND_LINE_LIMIT}, otherwise
 * `-Command -` with the script on stdin.
 *
 * With `-Command -` PowerShell runs stdin like a REPL, one statement at a time: a multi-line
 * construct needs a blank line to end it, an error does not stop later lines, and exit codes follow
 * the last line. So stdin carries ONE line, a bootstrap that decodes the wrapped script (base64 of
 * UTF-16LE, as for `-EncodedCommand`, which also sidesteps the console input code page) and runs it
 * as one script block; the wrapper's own `exit` then sets the exit code exactly as inline. Two
 * newlines end the line and any pending continuation.
 */
export function planPowerShell(
  script: string,
  prologue = '',
  secretEnv: Readonly<Record<string, string>> = {},
): PowerShellPlan {
  const commandLine = powershellCommandLine(script, prologue);
  const secrets = secretAssignments(secretEnv);
  if (commandLine.length <= COMMAND_LINE_LIMIT && secrets === '') return { mode: 'inline', commandLine };
  const encoded = encodePowerShell(wrapPowerShell(script, prologue));
  const bootstrap = `${secrets}& ([scriptblock]::Create([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('${encoded}'))))`;
  return { mode: 'stdin', commandLine: POWERSHELL_STDIN_COMMAND_LINE, stdin: `${bootstrap}\r\n\r\n` };
}

/**
 * Secret variables set ahead of the bootstrap on stdin (never on the command line), each value as
 * base64 of its UTF-8 bytes so no character of it is PowerShell syntax.
 */
function secretAssignments(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        throw new TypeError(`${JSON.stringify(name)} is not a variable name`);
      const b64 = Buffer.from(value, 'utf8').toString('base64');
      return `$env:${name} = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${b64}')); `;
    })
    .join('');
}

/**
 * Recovers the user's script from a plan's command line (and stdin), or undefined when it is not
 * one of ours. For test servers that emulate PowerShell.
 */
export function scriptFromInvocation(commandLine: string, stdin?: string): string | undefined {
  const inline = /^powershell\.exe .*-EncodedCommand ([A-Za-z0-9+/=]+)$/.exec(commandLine);
  const bootstrap =
    /Create\(\[Text\.Encoding\]::Unicode\.GetString\(\[Convert\]::FromBase64String\('([A-Za-z0-9+/=]+)'\)/.exec(
      stdin ?? '',
    );
  const encoded = inline?.[1] ?? (commandLine === POWERSHELL_STDIN_COMMAND_LINE ? bootstrap?.[1] : undefined);
  if (encoded === undefined) return undefined;
  return unwrapPowerShell(decodePowerShell(encoded));
}

/** The user's script inside {@link wrapPowerShell}'s output, or undefined. */
export function unwrapPowerShell(wrapped: string): string | undefined {
  const m = /^& \(\[scriptblock\]::Create\('([\s\S]*)'\)\)$/m.exec(wrapped);
  if (!m?.[1]) return undefined;
  const body = m[1].replace(/(['\u2018\u2019\u201a\u201b])\1/g, '$1');
  const tail = '\n$global:OrcaLastOk = $?';
  return body.endsWith(tail) ? body.slice(0, -tail.length) : undefined;
}

/** A cmd command line: `cmd.exe /c <command>` (the command is passed to cmd as written). */
export function cmdCommandLine(command: string): string {
  return `cmd.exe /c ${command}`;
}
