/**
 * The cmd.exe part of the shim: `%NAME%` expanded once for the whole line, then `a && b`,
 * `a || b`, `a & b` chains of `echo text` (`echo.`, `>&2`), `exit [/b] [N]` (either ends the
 * `cmd /c` line), `set`, `cd`/`chdir` (cmd-builtins.ts), `whoami`, `hostname`, `powershell …`,
 * `cmd /c …`; other commands run through /bin/sh -c with the command's stdin, the environment
 * and (when it exists here) the current directory.
 */
import { CmdProcess, cmdCd, cmdSet, expandPercent } from './cmd-builtins.ts';
import { type CommandIO, writeText } from './io.ts';
import type { FileRoot } from './winpath.ts';
import { hostDirectory } from './winprocess.ts';

export interface CmdDeps {
  /** Runs a `powershell …` segment; resolves with its exit code. */
  powershell(io: CommandIO, line: string): Promise<number>;
  /** Where the Windows file system is (winpath.ts); without it no directory can be entered. */
  readonly files: FileRoot | null;
}

interface Segment {
  readonly text: string;
  /** How this segment is joined to the previous one. */
  readonly op: '&' | '&&' | '||';
}

/** Splits on unquoted `&`, `&&` and `||`, keeping each segment's spacing (cmd's echo keeps it). */
export function splitCmd(line: string): Segment[] {
  const out: Segment[] = [];
  let op: Segment['op'] = '&';
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i] ?? '';
    if (c === '"') quoted = !quoted;
    const twin = line[i + 1] === c;
    if (!quoted && (c === '&' || (c === '|' && twin)) && line[i - 1] !== '>') {
      out.push({ text: current, op });
      op = c === '&' ? (twin ? '&&' : '&') : '||';
      if (twin) i += 1;
      current = '';
      continue;
    }
    current += c;
  }
  out.push({ text: current, op });
  return out.filter((s) => s.text.trim() !== '');
}

/** Runs `line` as a new cmd.exe would (`cmd /c line`), in a copy of io's environment and directory. */
export async function runCmd(io: CommandIO, line: string, deps: CmdDeps): Promise<number> {
  const proc = new CmdProcess(io, deps.files);
  let errorlevel = 0;
  for (const segment of splitCmd(expandPercent(line, proc, errorlevel))) {
    if (segment.op === '&&' && errorlevel !== 0) continue;
    if (segment.op === '||' && errorlevel === 0) continue;
    if (io.abort.aborted) return 1;
    const result = await runSegment(proc, segment.text.replace(/^\s+/, ''), deps, errorlevel);
    if (typeof result === 'object') return result.exit;
    errorlevel = result;
  }
  return errorlevel;
}

async function runSegment(
  proc: CmdProcess,
  text: string,
  deps: CmdDeps,
  errorlevel: number,
): Promise<number | { exit: number }> {
  const io = proc.io;
  const cd = /^(cd|chdir)(?=$|[\s.\\/"])/i.exec(text);
  if (cd) return cmdCd(io, proc, text.slice(cd[0].length));
  const word = (/^[^\s]*/.exec(text)?.[0] ?? '').toLowerCase();
  const rest = text.slice(word.length);
  if (word === 'echo.' || (word === 'echo' && rest.trim() === '')) {
    writeText(io, 'stdout', word === 'echo.' ? '\r\n' : 'ECHO is on.\r\n');
    return 0;
  }
  if (word === 'echo') {
    let message = rest.slice(1);
    const redirect = /[12]?>&([12])/.exec(message);
    if (redirect) message = message.replace(redirect[0], '');
    writeText(io, redirect?.[1] === '2' ? 'stderr' : 'stdout', `${message}\r\n`);
    return 0;
  }
  if (word === 'set') return cmdSet(io, proc, rest);
  if (word === 'exit') {
    // Outside a batch file `exit /b` ends cmd.exe as `exit` does; without a number it keeps
    // ERRORLEVEL. Plain `exit` without one gives 0 here (unverified against Windows).
    const m = /^\s*(\/b(?:\s+|$))?(-?\d+)?/i.exec(rest);
    return { exit: m?.[2] !== undefined ? Number(m[2]) : m?.[1] ? errorlevel : 0 };
  }
  if (word === 'whoami' && rest.trim() === '') {
    writeText(io, 'stdout', `${io.identity}\r\n`);
    return 0;
  }
  if (word === 'hostname' && rest.trim() === '') {
    writeText(io, 'stdout', `${io.computerName}\r\n`);
    return 0;
  }
  if (/^(.*[\\/])?(powershell|pwsh)(\.exe)?$/.test(word)) return deps.powershell(io, text);
  if (/^(.*[\\/])?cmd(\.exe)?$/.test(word)) {
    const inner = /^\s*(?:\/[qdsaun]\s+|\/[ef]:\w+\s+)*\/[ck]\s+(.*)$/is.exec(rest);
    if (!inner) return 0;
    // cmd /c "…": the first and the last quote go (cmd's rule unless the quotes hold just a program name).
    const body = (inner[1] ?? '').replace(/^"(.*)"([^"]*)$/s, '$1$2');
    return runCmd(io, body, deps);
  }
  return io.processes.run(io, text, { stdin: true, cwd: hostDirectory(proc.files, proc.cwd) });
}
