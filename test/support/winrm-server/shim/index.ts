/**
 * The command shim of the WinRM test server: it runs a WinRS command line on this Linux machine
 * as the current OS user, pretending to be Windows where orca and pywinrm can tell.
 *
 * Supported subset:
 * - cmd.exe (every WinRS command goes through `cmd.exe /c` unless WINRS_SKIP_CMD_SHELL):
 *   `cmd[.exe] /c …`, `%NAME%` expanded once per line before it runs, chains with `&`, `&&`, `||`;
 *   `echo text` (spacing kept, `echo.`, `>&2`), `exit [/b] [N]` (both end the `cmd /c` line),
 *   `set`, `set PREFIX`, `set ["]NAME=value["]`, `cd`/`chdir [/d] path` (cmd-builtins.ts),
 *   `whoami` (`<computer>\<user>`, lower-case), `hostname`, `powershell …`.
 * - Every cmd and powershell process has its own environment (names case-insensitive) and current
 *   directory (a Windows path, the user's profile at first), copied to the processes it starts;
 *   /bin/sh children run in the mapped directory when it exists (winprocess.ts).
 * - powershell[.exe] / pwsh with -EncodedCommand (also -enc/-ec/-e; base64 UTF-16LE), -Command
 *   <text>, `-Command -` / `-` (script read from stdin until Send End), or the script as bare
 *   arguments; -NoProfile -NonInteractive -NoLogo -ExecutionPolicy X -InputFormat X -OutputFormat X
 *   -WindowStyle X are accepted and ignored. The script language (ps-parser.ts): statements split by
 *   `;`/newlines, `#` and `<# #>` comments, `if/elseif/else`, `& { … }` and `& $block`,
 *   `[scriptblock]::Create(…)`, `[Text.Encoding]::Unicode|UTF8.GetString([Convert]::FromBase64String(…))`,
 *   assignments (`$ErrorActionPreference = 'Stop'` honoured, `$ProgressPreference` remembered),
 *   `exit [N|$LASTEXITCODE]`, `throw`, `$?`, `$LASTEXITCODE`, `$PID`, `$env:X` (read and assigned),
 *   `-not/!/-eq/-ne/-gt/-lt/-and/-or`,
 *   'single' and "double" quoted strings (backtick escapes, `$var` expansion);
 *   cmdlets Write-Output/echo, Write-Host (LF line end, as Windows), Write-Error (CLIXML on stderr
 *   under -EncodedCommand, console text otherwise), Start-Sleep [-Seconds|-Milliseconds] N /
 *   `sleep N` (a real `sleep` child), whoami, hostname, `cmd /c …`, Out-Null, Set-StrictMode,
 *   Set-Location/cd/sl/chdir and Get-Location/gl/pwd with `$PWD` (ps-location.ts; native
 *   commands start there), `[Environment]::CurrentDirectory` get/set (relative .NET paths),
 *   `[Console]::Out|Error.Write/WriteLine`, `[Type]::Property = value` for settable ones.
 *   Also `while`, `break`/`continue`, `try { } catch { } finally { }` (catch sees `$_` as the
 *   message; finally runs on errors, `exit` and `break`, not when the process is killed),
 *   statement-terminating .NET exceptions ("Exception calling …", "You cannot call a method on a
 *   null-valued expression.") that let the next statement run unless inside `try` or under
 *   `$ErrorActionPreference = 'Stop'`, `+`/`-`, operator precedence (`-and`/`-or` lowest),
 *   `$null -eq x`, `(command)` as a value, and real file I/O under the server's file root
 *   (winpath.ts maps `C:\Temp\x` to `<root>/C/Temp/x`): `[Console]::In.ReadLine()/ReadToEnd()`
 *   over WinRS stdin, `[IO.File]::Open/Exists/Delete/Move/Replace`, FileStream
 *   Write/Flush/Close/Dispose, `Get-FileHash [-Algorithm A] [-LiteralPath|-Path] p` (an object
 *   with Algorithm, Hash, Path), `Get-CimInstance [-ClassName] Win32_OperatingSystem` (Caption,
 *   Version, BuildNumber, OSArchitecture, CSName of a Windows Server 2022), `[Environment]::MachineName`;
 *   see ps-dotnet.ts. Objects print as `@{Name=value; …}`, not as
 *   tables, and there are no arrays or pipelines of objects.
 *   Other Verb-Noun names fail with PowerShell's "is not recognized" error; any other statement
 *   (`ls`, `true`, `sleep.sh`) runs by `/bin/sh -c <statement text>` and sets $LASTEXITCODE.
 * - Anything else runs by `/bin/sh -c <command line>` with the command's stdin; its output is
 *   passed through as the Linux program wrote it (LF line ends).
 * Text the shim writes itself is UTF-8 under code page 65001, else non-ASCII becomes '?'.
 */
import { type CmdDeps, runCmd } from './cmd.ts';
import type { CommandIO } from './io.ts';
import { psCommands } from './ps-commands.ts';
import { PsRun, runPowerShell } from './ps-eval.ts';
import type { FileRoot } from './winpath.ts';
import { hostDirectory } from './winprocess.ts';

export interface ShimOptions {
  /** Emit PowerShell's "Preparing modules for first use." progress records on stderr. */
  readonly progressRecords: boolean;
  /** Directory standing for the Windows file system of PowerShell's file members (winpath.ts); without it they fail. */
  readonly fileRoot?: string | undefined;
}

/** Runs a WinRS command line; resolves with the exit code WinRS would report. */
export function runShimCommand(io: CommandIO, commandLine: string, options: ShimOptions): Promise<number> {
  return runCmd(io, commandLine, cmdDeps(io, options));
}

function cmdDeps(io: CommandIO, options: ShimOptions): CmdDeps {
  const files =
    options.fileRoot === undefined
      ? null
      : { root: options.fileRoot, user: io.identity.split('\\').pop() ?? 'user' };
  return { files, powershell: (pio, line) => runPowerShellLine(pio, line, options, files) };
}

interface ArgToken {
  readonly value: string;
  readonly start: number;
}

/** Whitespace-separated arguments; double quotes group (and are removed), as the CRT parses them. */
function splitArguments(line: string): ArgToken[] {
  const out: ArgToken[] = [];
  const re = /(?:[^\s"]+|"[^"]*"?)+/g;
  for (const m of line.matchAll(re)) out.push({ value: m[0].replace(/"/g, ''), start: m.index ?? 0 });
  return out;
}

const VALUE_FLAGS = [
  'executionpolicy',
  'ep',
  'inputformat',
  'outputformat',
  'windowstyle',
  'configurationname',
  'version',
];
const SWITCHES = ['noprofile', 'noninteractive', 'nologo', 'sta', 'mta', 'noexit'];

/** powershell.exe accepts any unambiguous prefix of a parameter name (three letters are enough here). */
function isAbbreviation(flag: string, name: string): boolean {
  return flag === name || (flag.length >= 3 && name.startsWith(flag));
}

async function runPowerShellLine(
  io: CommandIO,
  line: string,
  options: ShimOptions,
  files: FileRoot | null,
): Promise<number> {
  const args = splitArguments(line).slice(1);
  let script: string | undefined;
  let fromStdin = false;
  let encoded = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as ArgToken;
    const flag = arg.value.toLowerCase().replace(/^[-/]/, '');
    if (arg.value === '-') {
      fromStdin = true;
      break;
    }
    if (!/^[-/]/.test(arg.value)) {
      script = line.slice(arg.start);
      break;
    }
    if (SWITCHES.some((name) => isAbbreviation(flag, name))) continue;
    if (VALUE_FLAGS.some((name) => isAbbreviation(flag, name))) {
      i += 1;
      continue;
    }
    if (flag === 'e' || flag === 'ec' || isAbbreviation(flag, 'encodedcommand')) {
      script = Buffer.from(args[i + 1]?.value ?? '', 'base64').toString('utf16le');
      encoded = true;
      break;
    }
    if (flag === 'c' || isAbbreviation(flag, 'command')) {
      const next = args[i + 1];
      if (next?.value === '-') fromStdin = true;
      else script = next ? line.slice(next.start) : '';
      break;
    }
    io.write(
      'stderr',
      Buffer.from(`orca WinRM test shim: unsupported powershell.exe parameter ${arg.value}\r\n`),
    );
    return 64;
  }
  if (script === undefined) {
    fromStdin = true;
    script = (await io.stdin.readAll(io.abort)).toString('utf8');
  } else if (fromStdin) {
    script = (await io.stdin.readAll(io.abort)).toString('utf8');
  }
  if (io.abort.aborted) return 1;
  const commands = psCommands({
    sleep: async (_run, seconds) => {
      await io.processes.run(io, `exec sleep ${Math.max(0, seconds)}`, { stdin: false, quiet: true });
    },
    cmd: (run, cmdLine) => runCmd(run.childIO(), cmdLine, cmdDeps(io, options)),
  });
  const native = (run: PsRun, source: string) =>
    io.processes.run(run.childIO(), source, { stdin: false, cwd: hostDirectory(files, run.location) });
  const run = new PsRun(io, encoded, commands, native, options.progressRecords, files);
  return runPowerShell(run, script);
}
