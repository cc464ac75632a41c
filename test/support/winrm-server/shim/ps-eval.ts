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
  errorRecord,
  notInvocable,
  parserErrorRecord,
  plainErrorText,
  progressRecord,
  throwRecord,
} from './clixml.ts';
import { type CommandIO, writeText } from './io.ts';
import { ConsoleReader, type DotNetContext, member, setMember } from './ps-dotnet.ts';
import { PsSyntaxError } from './ps-lexer.ts';
import { type Expr, parseScript, type Stmt, type Where } from './ps-parser.ts';
import { PsProcess } from './ps-process.ts';
import { invokeScriptFile } from './ps-script-file.ts';
import {
  ArrayValue,
  binary,
  DotNetException,
  ExitSignal,
  KilledSignal,
  LoopSignal,
  ScriptBlock,
  StatementError,
  TerminatingError,
  toInt,
  toText,
  truthy,
  type Value,
} from './ps-values.ts';
import type { FileRoot } from './winpath.ts';

export {
  ExitSignal,
  ScriptBlock,
  StatementError,
  TerminatingError,
  toInt,
  toText,
  truthy,
  type Value,
} from './ps-values.ts';

/** The pieces of the shim the evaluator calls for commands (ps-commands.ts). */
export type CommandRunner = (
  run: PsRun,
  name: string,
  args: readonly Value[],
  source: string,
) => Promise<boolean | 'unknown'>;

export class PsRun extends PsProcess {
  readonly dotnet: DotNetContext;
  #stderrOpen = false;
  #progressShown = false;
  /** Inside a `try` body, statement-terminating errors unwind to it instead of being written. */
  #tryDepth = 0;
  /** Output collectors of the `(command)` expressions being evaluated, innermost last. */
  readonly #captures: Value[][] = [];
  /** The statement being run, for error records. */
  #at: Where = { line: 1, char: 1, text: '' };

  constructor(
    io: CommandIO,
    /** -EncodedCommand: error records go to stderr as CLIXML; otherwise as console text. */
    readonly clixml: boolean,
    readonly commands: CommandRunner,
    readonly native: (run: PsRun, source: string) => Promise<number>,
    /** Emit the "Preparing modules for first use." progress records real hosts show at first cmdlet use. */
    readonly progress: boolean,
    files: FileRoot | null,
  ) {
    super(io);
    // .NET's current directory starts where the process did, and Set-Location leaves it there.
    this.dotnet = { io, files, cwd: this.location, handles: new Set(), consoleIn: new ConsoleReader(io) };
  }

  /** The statement being run (cmdlets quote it in their error records). */
  get at(): Where {
    return this.#at;
  }

  /** Writes an object to the success stream: to stdout, or into the enclosing `( … )`. */
  emit(value: Value): void {
    // Arrays are enumerated into the pipeline, one object per item.
    if (value instanceof ArrayValue) {
      for (const item of value.items) this.emit(item);
      return;
    }
    const capture = this.#captures.at(-1);
    if (capture) capture.push(value);
    else if (value !== null) writeText(this.io, 'stdout', `${toText(value)}\r\n`);
  }

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

  /**
   * A cmdlet's non-terminating error: written, or thrown under `$ErrorActionPreference = 'Stop'`
   * or `-ErrorAction Stop` among its arguments. Returns false, the cmdlet's `$?`.
   */
  cmdletError(record: string, args: readonly Value[] = []): false {
    const i = args.findIndex((a) => typeof a === 'string' && a.toLowerCase() === '-erroraction');
    if (this.errorActionStop || (i >= 0 && toText(args[i + 1] ?? null).toLowerCase() === 'stop')) {
      throw new TerminatingError(record);
    }
    this.writeError(record);
    return false;
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

  /** The process ends: stderr's CLIXML document closes and the OS closes its file handles. */
  finish(): void {
    if (this.#stderrOpen) writeText(this.io, 'stderr', CLIXML_FOOTER);
    this.#stderrOpen = false;
    for (const handle of this.dotnet.handles) handle.close();
  }

  async runScript(body: readonly Stmt[]): Promise<void> {
    for (const stmt of body) {
      if (this.io.abort.aborted) throw new KilledSignal();
      try {
        await this.statement(stmt);
      } catch (e) {
        if (!(e instanceof StatementError) || this.#tryDepth > 0 || this.errorActionStop) throw e;
        this.writeError(e.record);
        this.lastOk = false;
      }
    }
  }

  async statement(stmt: Stmt): Promise<void> {
    const outer = this.#at;
    this.#at = stmt.at;
    try {
      await this.#statement(stmt);
    } finally {
      this.#at = outer;
    }
  }

  async #statement(stmt: Stmt): Promise<void> {
    switch (stmt.type) {
      case 'while': {
        for (let round = 1; truthy(await this.evaluate(stmt.cond)); round += 1) {
          if (this.io.abort.aborted) throw new KilledSignal();
          // A tight loop must not starve the server that would deliver a terminate.
          if (round % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
          if (await this.#loopBody(stmt.body)) break;
        }
        return;
      }
      case 'foreach': {
        const value = await this.evaluate(stmt.items);
        // A single value is a collection of one; $null, of none.
        const items = value instanceof ArrayValue ? value.items : value === null ? [] : [value];
        for (const item of items) {
          if (this.io.abort.aborted) throw new KilledSignal();
          this.setVar(stmt.name, item);
          if (await this.#loopBody(stmt.body)) break;
        }
        return;
      }
      case 'loop':
        throw new LoopSignal(stmt.kind);
      case 'try':
        return this.#try(stmt);
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
        throw new TerminatingError(throwRecord(stmt.source, toText(value), stmt.at));
      }
      case 'invoke': {
        const target = await this.evaluate(stmt.target);
        if (typeof target === 'string') return invokeScriptFile(this, target, stmt.at.text);
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
      case 'setMember': {
        const target = await this.evaluate(stmt.target);
        const value = await this.evaluate(stmt.value);
        await this.#dotnet('set', stmt.name, 1, () => setMember(this.dotnet, target, stmt.name, value));
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
        this.emit(await this.evaluate(stmt.value));
        this.lastOk = true;
        return;
      }
    }
  }

  /** One round of a loop's body; true when it ended with `break`. */
  async #loopBody(body: readonly Stmt[]): Promise<boolean> {
    try {
      await this.runScript(body);
    } catch (e) {
      if (!(e instanceof LoopSignal)) throw e;
      return e.kind === 'break';
    }
    return false;
  }

  /**
   * try/catch/finally: `catch` takes terminating and statement-terminating errors (`$_` is the
   * message); `finally` runs after the body or catch, also on `exit` and `break`, but not when
   * the process is killed.
   */
  async #try(stmt: Extract<Stmt, { type: 'try' }>): Promise<void> {
    let pending: { error: unknown } | null = null;
    this.#tryDepth += 1;
    try {
      await this.runScript(stmt.body);
    } catch (error) {
      if (error instanceof KilledSignal) throw error;
      pending = { error };
    } finally {
      this.#tryDepth -= 1;
    }
    if (pending && stmt.catchBody && pending.error instanceof TerminatingError) {
      this.setVar('_', plainErrorText(pending.error.record).split('\r\n')[0] ?? '');
      pending = null;
      try {
        await this.runScript(stmt.catchBody);
      } catch (error) {
        if (error instanceof KilledSignal) throw error;
        pending = { error };
      }
    }
    if (stmt.finallyBody) await this.runScript(stmt.finallyBody);
    if (pending) throw pending.error;
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
      case 'binary': {
        const left = await this.evaluate(expr.left);
        // -and and -or do not evaluate their right side when the left decides.
        if (expr.op === '-and' && !truthy(left)) return false;
        if (expr.op === '-or' && truthy(left)) return true;
        return binary(expr.op, left, await this.evaluate(expr.right));
      }
      case 'typeName':
        return `[${expr.name}]`;
      case 'capture': {
        const out: Value[] = [];
        this.#captures.push(out);
        try {
          await this.statement(expr.body);
        } finally {
          this.#captures.pop();
        }
        if (out.length > 1) {
          throw new TerminatingError(
            '<S S="Error">The orca WinRM test shim does not support arrays (a command in ( ) wrote several objects)._x000D__x000A_</S>',
          );
        }
        return out[0] ?? null;
      }
      case 'member':
        return this.#member(expr);
    }
  }

  async #member(expr: Extract<Expr, { type: 'member' }>): Promise<Value> {
    const target = await this.evaluate(expr.target);
    let args: Value[] | undefined;
    if (expr.args) {
      args = [];
      for (const a of expr.args) args.push(await this.evaluate(a));
    }
    if (target === null) {
      if (args === undefined) return null;
      throw new StatementError(
        errorRecord(
          'You cannot call a method on a null-valued expression.',
          this.#at,
          'InvalidOperation: (:) [], RuntimeException',
          'InvokeMethodOnNull',
        ),
      );
    }
    const kind = args === undefined ? 'get' : 'call';
    return this.#dotnet(kind, expr.name, args?.length ?? 0, () =>
      member(this.dotnet, target, expr.name, args),
    );
  }

  /** Runs a .NET member; its exception becomes PowerShell's statement-terminating error. */
  async #dotnet<T>(kind: 'get' | 'set' | 'call', name: string, argc: number, fn: () => T): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof DotNetException)) throw e;
      const [message, category, id] =
        kind === 'call'
          ? [`Exception calling "${name}" with "${argc}" argument(s)`, 'MethodInvocationException', e.type]
          : kind === 'get'
            ? [`Exception getting "${name}"`, 'GetValueInvocationException', e.type]
            : [`Exception setting "${name}"`, 'SetValueInvocationException', 'ExceptionWhenSetting'];
      throw new StatementError(
        errorRecord(`${message}: "${e.message}"`, this.#at, `NotSpecified: (:) [], ${category}`, id),
      );
    }
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
    else if (e instanceof KilledSignal || e instanceof LoopSignal) code = 1;
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
