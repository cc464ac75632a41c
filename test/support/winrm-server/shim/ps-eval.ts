/**
 * Evaluates the PowerShell subset (ps-parser.ts) against a command's streams. Semantics kept
 * faithful where orca depends on them: `exit N` anywhere ends powershell.exe with N; `$?` after
 * `& $block` is true unless invoking failed; Write-Error is non-terminating unless
 * `$ErrorActionPreference = 'Stop'`; `throw` ends the run with 1; Write-Output ends lines with
 * CR LF but Write-Host with LF (as recorded from Windows); native commands set $LASTEXITCODE.
 */
import {
  CLIXML_FOOTER,
  CLIXML_HEADER,
  commandNotFoundRecord,
  plainErrorText,
  progressRecord,
  throwRecord,
} from './clixml.ts';
import { type CommandIO, writeText } from './io.ts';
import { PsSyntaxError } from './ps-lexer.ts';
import { type Expr, parseScript, type Stmt } from './ps-parser.ts';

export type Value = string | number | boolean | null | Buffer | ScriptBlock;
export class ScriptBlock {
  constructor(readonly body: readonly Stmt[]) {}
}

/** Unwinds to the host: the process exits with `code`. */
export class ExitSignal {
  constructor(readonly code: number) {}
}
/** A script-terminating error: its record is written, then the process exits with 1. */
export class TerminatingError {
  constructor(readonly record: string) {}
}

/** The pieces of the shim the evaluator calls for commands (ps-commands.ts). */
export type CommandRunner = (
  run: PsRun,
  name: string,
  args: readonly Value[],
  source: string,
) => Promise<boolean | 'unknown'>;

export class PsRun {
  readonly vars = new Map<string, Value>([['lastexitcode', null]]);
  lastOk = true;
  errorActionStop = false;
  #stderrOpen = false;
  #progressShown = false;

  constructor(
    readonly io: CommandIO,
    /** -EncodedCommand: error records go to stderr as CLIXML; otherwise as console text. */
    readonly clixml: boolean,
    readonly commands: CommandRunner,
    readonly native: (run: PsRun, source: string) => Promise<number>,
    /** Emit the "Preparing modules for first use." progress records real hosts show at first cmdlet use. */
    readonly progress: boolean,
  ) {}

  /** Writes one error record (CLIXML `<S S="Error">` elements) to stderr. */
  writeError(record: string): void {
    if (!this.clixml) {
      writeText(this.io, 'stderr', plainErrorText(record));
      return;
    }
    if (!this.#stderrOpen) {
      this.#stderrOpen = true;
      writeText(this.io, 'stderr', CLIXML_HEADER);
    }
    writeText(this.io, 'stderr', record);
  }

  /** Progress records at the first cmdlet, unless `$ProgressPreference = 'SilentlyContinue'` was set. */
  #maybeProgress(): void {
    if (this.#progressShown || !this.progress || !this.clixml) return;
    this.#progressShown = true;
    const pref = this.vars.get('progresspreference');
    if (typeof pref === 'string' && pref.toLowerCase() === 'silentlycontinue') return;
    const activity = 'Preparing modules for first use.';
    this.writeError(progressRecord(0, activity) + progressRecord(1, activity));
  }

  finish(): void {
    if (this.#stderrOpen) writeText(this.io, 'stderr', CLIXML_FOOTER);
    this.#stderrOpen = false;
  }

  async runScript(body: readonly Stmt[]): Promise<void> {
    for (const stmt of body) {
      if (this.io.abort.aborted) throw new ExitSignal(1);
      await this.statement(stmt);
    }
  }

  async statement(stmt: Stmt): Promise<void> {
    switch (stmt.type) {
      case 'if': {
        for (const clause of stmt.clauses) {
          if (truthy(await this.evaluate(clause.cond))) return this.runScript(clause.body);
        }
        if (stmt.otherwise) await this.runScript(stmt.otherwise);
        return;
      }
      case 'exit': {
        const value = stmt.value ? await this.evaluate(stmt.value) : 0;
        throw new ExitSignal(toInt(value));
      }
      case 'throw': {
        const value = stmt.value ? await this.evaluate(stmt.value) : 'ScriptHalted';
        throw new TerminatingError(throwRecord(stmt.source, toText(value)));
      }
      case 'invoke': {
        const target = await this.evaluate(stmt.target);
        if (!(target instanceof ScriptBlock)) throw new TerminatingError(notInvocable());
        await this.runScript(target.body);
        this.lastOk = true;
        return;
      }
      case 'assign': {
        const value = await this.evaluate(stmt.value);
        this.setVar(stmt.name, value);
        this.lastOk = true;
        return;
      }
      case 'command': {
        const args: Value[] = [];
        for (const a of stmt.args) args.push(await this.evaluate(a));
        if (stmt.name.includes('-')) this.#maybeProgress();
        const known = await this.commands(this, stmt.name, args, stmt.source);
        if (known !== 'unknown') {
          this.lastOk = known;
          return;
        }
        if (/^[A-Za-z]+-[A-Za-z]+$/.test(stmt.name)) {
          // Verb-Noun names are cmdlets to PowerShell; one the shim lacks is "not recognized".
          this.writeError(commandNotFoundRecord(stmt.name, stmt.source));
          this.lastOk = false;
          return;
        }
        const code = await this.native(this, stmt.source);
        this.vars.set('lastexitcode', code);
        this.lastOk = code === 0;
        return;
      }
      case 'expr': {
        const value = await this.evaluate(stmt.value);
        if (value instanceof ScriptBlock) writeText(this.io, 'stdout', '<script block>\r\n');
        else if (value !== null) writeText(this.io, 'stdout', `${toText(value)}\r\n`);
        this.lastOk = true;
        return;
      }
    }
  }

  async evaluate(expr: Expr): Promise<Value> {
    switch (expr.type) {
      case 'literal':
        return expr.value;
      case 'string':
        return expr.expandable ? this.expand(expr.value) : expr.value;
      case 'var':
        return this.getVar(expr.name);
      case 'block':
        return new ScriptBlock(expr.body);
      case 'not':
        return !truthy(await this.evaluate(expr.operand));
      case 'binary':
        return binary(expr.op, await this.evaluate(expr.left), await this.evaluate(expr.right));
      case 'typeName':
        return `[${expr.name}]`;
      case 'member': {
        const target = await this.evaluate(expr.target);
        const args: Value[] = [];
        for (const a of expr.args ?? []) args.push(await this.evaluate(a));
        return member(target, expr.name, args);
      }
    }
  }

  getVar(raw: string): Value {
    const name = raw.toLowerCase();
    if (name === '?') return this.lastOk;
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (name === 'null') return null;
    if (name.startsWith('env:'))
      return this.io.env[raw.slice(4)] ?? envInsensitive(this.io.env, raw.slice(4));
    return this.vars.get(unscoped(name)) ?? null;
  }

  setVar(raw: string, value: Value): void {
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

/** Runs a whole script; returns powershell.exe's exit code. */
export async function runPowerShell(run: PsRun, script: string): Promise<number> {
  let code: number;
  try {
    await run.runScript(parseScript(script));
    code = run.lastOk ? 0 : 1;
  } catch (e) {
    if (e instanceof ExitSignal) code = e.code;
    else if (e instanceof TerminatingError) {
      run.writeError(e.record);
      code = 1;
    } else if (e instanceof PsSyntaxError) {
      run.writeError(parserErrorRecord(e.message));
      code = 1;
    } else throw e;
  }
  run.finish();
  return code;
}

function parserErrorRecord(message: string): string {
  return `<S S="Error">At line:1 char:1_x000D__x000A_</S><S S="Error">${message.replace(/[<&>]/g, '')}_x000D__x000A_</S>`;
}

function notInvocable(): string {
  return '<S S="Error">The expression after \'&amp;\' in a pipeline element produced an object that was not valid. It must result in a command name, a script block, or a CommandInfo object._x000D__x000A_</S>';
}

function unscoped(name: string): string {
  return name.replace(/^(global|script|local|private):/, '');
}

function envInsensitive(env: Readonly<Record<string, string>>, name: string): string | null {
  const key = Object.keys(env).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : (env[key] ?? null);
}

export function truthy(v: Value): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (Buffer.isBuffer(v)) return v.length > 0;
  return true;
}

export function toText(v: Value): string {
  if (v === null) return '';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (Buffer.isBuffer(v)) return [...v].join('\r\n');
  if (v instanceof ScriptBlock) return '<script block>';
  return String(v);
}

export function toInt(v: Value): number {
  const n = typeof v === 'number' ? v : Number(toText(v));
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

function binary(op: string, l: Value, r: Value): Value {
  const cmp = (a: Value, b: Value) =>
    typeof a === 'number'
      ? a - Number(toText(b))
      : toText(a).toLowerCase().localeCompare(toText(b).toLowerCase());
  switch (op) {
    case '-eq':
      return cmp(l, r) === 0;
    case '-ne':
      return cmp(l, r) !== 0;
    case '-gt':
      return cmp(l, r) > 0;
    case '-lt':
      return cmp(l, r) < 0;
    case '-ge':
      return cmp(l, r) >= 0;
    case '-le':
      return cmp(l, r) <= 0;
    case '-and':
      return truthy(l) && truthy(r);
    default:
      return truthy(l) || truthy(r);
  }
}

/** The few .NET members orca's wrappers use. */
function member(target: Value, name: string, args: readonly Value[]): Value {
  const t = toText(target).toLowerCase();
  const n = name.toLowerCase();
  const arg = args[0] ?? null;
  if (t === '[scriptblock]' && n === 'create') return new ScriptBlock(parseScript(toText(arg)));
  if ((t === '[convert]' || t === '[system.convert]') && n === 'frombase64string') {
    return Buffer.from(toText(arg), 'base64');
  }
  if (
    (t === '[text.encoding]' || t === '[system.text.encoding]') &&
    ['unicode', 'utf8', 'ascii'].includes(n)
  ) {
    return `encoding:${n}`;
  }
  if (t.startsWith('encoding:') && n === 'getstring' && Buffer.isBuffer(arg)) {
    const kind = t.slice('encoding:'.length);
    return arg.toString(kind === 'unicode' ? 'utf16le' : kind === 'utf8' ? 'utf8' : 'latin1');
  }
  if (n === 'length' && args.length === 0)
    return Buffer.isBuffer(target) ? target.length : toText(target).length;
  throw new TerminatingError(
    `<S S="Error">The orca WinRM test shim does not support ${t}.${name}()._x000D__x000A_</S>`,
  );
}
