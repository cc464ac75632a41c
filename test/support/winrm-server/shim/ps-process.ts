/**
 * The state of one shimmed powershell.exe that its statements read and change: variables, `$?`,
 * `$ErrorActionPreference`, the environment (`$env:NAME`, case-insensitive, copied from the
 * parent and handed on to the processes it starts) and the current location (ps-location.ts).
 */
import { type CommandIO, withProcess } from './io.ts';
import { PathInfo } from './ps-location.ts';
import { toText, type Value } from './ps-values.ts';
import { getEnv, setEnv, startDirectory } from './winprocess.ts';

export class PsProcess {
  readonly vars = new Map<string, Value>([['lastexitcode', null]]);
  lastOk = true;
  errorActionStop = false;
  /** The environment; native commands and `cmd /c` get a copy when they start. */
  readonly env: Record<string, string>;
  /** Get-Location, a Windows path: where native commands start and cmdlets resolve paths. */
  location: string;

  constructor(readonly io: CommandIO) {
    this.env = { ...io.env };
    this.location = startDirectory(io);
  }

  /** What a process started now gets: the environment and the current location. */
  childIO(): CommandIO {
    return withProcess(this.io, this.env, this.location);
  }

  getVar(raw: string): Value {
    const name = raw.toLowerCase();
    if (name === '?') return this.lastOk;
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (name === 'null') return null;
    // The shim's own process: the SSH shim's, or the WinRM test server's (it runs in-process).
    if (name === 'pid') return process.pid;
    if (name === 'pwd') return new PathInfo(this.location);
    if (name.startsWith('env:')) return getEnv(this.env, raw.slice(4));
    return this.vars.get(unscoped(name)) ?? null;
  }

  setVar(raw: string, value: Value): void {
    if (raw.toLowerCase().startsWith('env:')) {
      // `$env:X = ''` and `= $null` remove the variable, as Windows cannot hold an empty one.
      setEnv(this.env, raw.slice(4), value === null ? null : toText(value));
      return;
    }
    const name = unscoped(raw.toLowerCase());
    this.vars.set(name, value);
    if (name === 'erroractionpreference') this.errorActionStop = toText(value).toLowerCase() === 'stop';
  }

  /** Double-quoted strings: backtick escapes, `$name`, `${name}` and `$env:NAME`. */
  expand(text: string): string {
    const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0', a: '\x07' };
    return text.replace(
      /`(.)|\$\{([^}]+)\}|\$((?:env:|global:|script:)?[A-Za-z_][\w]*|\?)/gs,
      (_match, esc, braced, bare) => {
        if (esc !== undefined) return escapes[esc] ?? esc;
        const value = this.getVar(braced ?? bare);
        return value === null ? '' : toText(value);
      },
    );
  }
}

function unscoped(name: string): string {
  return name.replace(/^(global|script|local|private):/, '');
}
