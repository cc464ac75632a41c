/**
 * The cmd.exe part of the shim: `a && b`, `a || b`, `a & b` chains of `echo text` (`echo.`,
 * `>&2`), `exit [/b] N`, `whoami`, `hostname`, `powershell …`; other commands run through
 * /bin/sh -c with the command's stdin.
 */
import { type CommandIO, writeText } from './io.ts';

export interface CmdDeps {
  /** Runs a `powershell …` segment; resolves with its exit code. */
  powershell(io: CommandIO, line: string): Promise<number>;
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

export async function runCmd(io: CommandIO, line: string, deps: CmdDeps): Promise<number> {
  let errorlevel = 0;
  for (const segment of splitCmd(line)) {
    if (segment.op === '&&' && errorlevel !== 0) continue;
    if (segment.op === '||' && errorlevel === 0) continue;
    if (io.abort.aborted) return 1;
    const result = await runSegment(io, segment.text.replace(/^\s+/, ''), deps);
    if (typeof result === 'object') return result.exit;
    errorlevel = result;
  }
  return errorlevel;
}

async function runSegment(io: CommandIO, text: string, deps: CmdDeps): Promise<number | { exit: number }> {
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
  if (word === 'exit') {
    const m = /^\s*(\/b\s+)?(-?\d+)?/i.exec(rest);
    const code = Number(m?.[2] ?? 0);
    return m?.[1] ? code : { exit: code };
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
    return inner ? runCmd(io, inner[1] ?? '', deps) : 0;
  }
  return io.processes.run(io, text, { stdin: true });
}
