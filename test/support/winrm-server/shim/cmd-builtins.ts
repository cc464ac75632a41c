/**
 * cmd.exe's own `set`, `cd`/`chdir` and `%NAME%` expansion, over the state of one cmd process.
 * Texts and exit codes are those of cmd.exe on Windows 10; where the shim is simpler, it says so.
 */
import { type CommandIO, withProcess, writeText } from './io.ts';
import type { FileRoot } from './winpath.ts';
import { existingDirectory, getEnv, setEnv, startDirectory } from './winprocess.ts';

/** One cmd.exe: its environment and current directory, copied from the io it was started with. */
export class CmdProcess {
  readonly env: Record<string, string>;
  cwd: string;
  constructor(
    private readonly parent: CommandIO,
    readonly files: FileRoot | null,
  ) {
    this.env = { ...parent.env };
    this.cwd = startDirectory(parent);
  }
  /** What a program started now gets (it copies the environment in turn). */
  get io(): CommandIO {
    return withProcess(this.parent, this.env, this.cwd);
  }
}

/**
 * `%NAME%` replaced by its value, as cmd does once for a whole command line before running any
 * of it (so a `set` earlier on the line is not seen). Undefined names stay as written, and the
 * scan goes on from their closing `%`, as on the command line (not in batch files). CD and
 * ERRORLEVEL are dynamic unless set. `%NAME:~n,m%` and `%NAME:a=b%` are not supported (left as is).
 */
export function expandPercent(line: string, proc: CmdProcess, errorlevel: number): string {
  const lookup = (name: string): string | null => {
    const value = getEnv(proc.env, name);
    if (value !== null) return value;
    if (name.toUpperCase() === 'CD') return proc.cwd;
    if (name.toUpperCase() === 'ERRORLEVEL') return String(errorlevel);
    return null;
  };
  let out = '';
  let i = 0;
  while (i < line.length) {
    const open = line.indexOf('%', i);
    if (open < 0) return out + line.slice(i);
    out += line.slice(i, open);
    const close = line.indexOf('%', open + 1);
    if (close < 0) return out + line.slice(open);
    const value = close > open + 1 ? lookup(line.slice(open + 1, close)) : null;
    if (value === null) {
      out += line.slice(open, close);
      i = close;
    } else {
      out += value;
      i = close + 1;
    }
  }
  return out;
}

/**
 * `set` (all variables), `set PREFIX` (those whose names start with it), `set NAME=value` and
 * `set "NAME=value"` (text after the last quote ignored); an empty value removes the variable.
 * Success is 0 here; real cmd leaves ERRORLEVEL as it was after a `set` on the command line.
 */
export function cmdSet(io: CommandIO, proc: CmdProcess, rest: string): number {
  let text = rest.replace(/^\s+/, '');
  if (/^\/[ap](\s|$)/i.test(text)) {
    writeText(io, 'stderr', `orca WinRM test shim: set ${text.slice(0, 2)} is not supported\r\n`);
    return 1;
  }
  if (text.startsWith('"')) {
    const last = text.lastIndexOf('"');
    text = last > 0 ? text.slice(1, last) : text.slice(1);
  }
  const eq = text.indexOf('=');
  if (eq === 0) {
    writeText(io, 'stderr', 'The syntax of the command is incorrect.\r\n');
    return 1;
  }
  if (eq > 0) {
    setEnv(proc.env, text.slice(0, eq), text.slice(eq + 1));
    return 0;
  }
  const prefix = text.trimEnd().toUpperCase();
  const names = Object.keys(proc.env)
    .filter((name) => name.toUpperCase().startsWith(prefix))
    .sort((a, b) => (a.toUpperCase() < b.toUpperCase() ? -1 : 1));
  if (names.length === 0) {
    writeText(io, 'stderr', `Environment variable ${text.trimEnd()} not defined\r\n`);
    return 1;
  }
  writeText(io, 'stdout', names.map((name) => `${name}=${proc.env[name] ?? ''}\r\n`).join(''));
  return 0;
}

/**
 * `cd` (prints the current directory), `cd [/d] path` (quotes removed, spaces kept, as cmd).
 * Without /d a path on another drive changes only that drive's directory, so the current one
 * stays; the shim keeps no per-drive directories (`D:` alone is `D:\`).
 */
export function cmdCd(io: CommandIO, proc: CmdProcess, rest: string): number {
  let text = rest.trim();
  const switchDrive = /^\/d(\s|"|$)/i.test(text);
  if (switchDrive) text = text.slice(2);
  const path = text.replace(/"/g, '').trim();
  if (path === '') {
    writeText(io, 'stdout', `${proc.cwd}\r\n`);
    return 0;
  }
  const target = existingDirectory(proc.files, proc.cwd, /^[A-Za-z]:$/.test(path) ? `${path}\\` : path);
  if (!target) {
    writeText(io, 'stderr', 'The system cannot find the path specified.\r\n');
    return 1;
  }
  const drive = (p: string) => p.slice(0, 2).toUpperCase();
  if (switchDrive || drive(target.windows) === drive(proc.cwd)) proc.cwd = target.windows;
  return 0;
}
