/** Values and control-flow signals of the PowerShell shim, shared by the evaluator and the .NET members. */
import type { Stmt } from './ps-parser.ts';

export type Value = string | number | boolean | null | Buffer | ScriptBlock | HostObject;

export class ScriptBlock {
  constructor(readonly body: readonly Stmt[]) {}
}

/** A .NET object the script holds: a FileStream, `[Console]::In`, a Get-FileHash result. */
export abstract class HostObject {
  abstract readonly typeName: string;
  /** A property; unknown names are $null, as PowerShell outside strict mode. */
  abstract property(name: string): Value;
  /** A method; undefined when the object has no such method. */
  abstract method(name: string, args: readonly Value[]): Promise<Value> | Value | undefined;
  toText(): string {
    return this.typeName;
  }
}

/** A PSCustomObject with fixed properties (what cmdlets like Get-FileHash return). */
export class PropertyBag extends HostObject {
  constructor(
    readonly typeName: string,
    private readonly props: Readonly<Record<string, Value>>,
  ) {
    super();
  }
  property(name: string): Value {
    const key = Object.keys(this.props).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? null : (this.props[key] ?? null);
  }
  method(): undefined {
    return undefined;
  }
  override toText(): string {
    return `@{${Object.entries(this.props)
      .map(([k, v]) => `${k}=${toText(v)}`)
      .join('; ')}}`;
  }
}

/** A .NET array (`string[]` from Directory.GetFiles): enumerated by `foreach` and by output. */
export class ArrayValue extends HostObject {
  readonly typeName = 'System.Object[]';
  constructor(readonly items: readonly Value[]) {
    super();
  }
  property(name: string): Value {
    const n = name.toLowerCase();
    return n === 'length' || n === 'count' ? this.items.length : null;
  }
  method(): undefined {
    return undefined;
  }
  /** As PowerShell turns an array into a string: items joined by `$OFS`, a space. */
  override toText(): string {
    return this.items.map(toText).join(' ');
  }
}

/** Unwinds to the host: the process exits with `code` (finally blocks run on the way). */
export class ExitSignal {
  constructor(readonly code: number) {}
}
/** The process was killed (terminate, Delete, Ctrl+C): nothing more runs, not even finally blocks. */
export class KilledSignal {}
/** `break` and `continue`, caught by the innermost loop. */
export class LoopSignal {
  constructor(readonly kind: 'break' | 'continue') {}
}
/** A script-terminating error (`throw`): its record is written, then the process exits with 1. */
export class TerminatingError {
  constructor(readonly record: string) {}
}
/**
 * A statement-terminating error (a .NET method threw, a method was called on $null): outside
 * `try` and without `$ErrorActionPreference = 'Stop'` the record is written and the next
 * statement runs; otherwise it unwinds like a terminating error.
 */
export class StatementError extends TerminatingError {}

/** A .NET exception thrown by a shimmed member; the evaluator turns it into a StatementError. */
export class DotNetException {
  constructor(
    /** Short type name, e.g. `DirectoryNotFoundException`. */
    readonly type: string,
    readonly message: string,
  ) {}
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
  if (v instanceof HostObject) return v.toText();
  return String(v);
}

export function toInt(v: Value): number {
  const n = typeof v === 'number' ? v : Number(toText(v));
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

/** A binary operator of the shim's expressions (`-and`/`-or` short-circuit in the evaluator). */
export function binary(op: string, l: Value, r: Value): Value {
  const cmp = (a: Value, b: Value) =>
    typeof a === 'number'
      ? a - Number(toText(b))
      : toText(a).toLowerCase().localeCompare(toText(b).toLowerCase());
  // $null equals only $null ('' -eq $null is False).
  const equal = (a: Value, b: Value) => (a === null || b === null ? a === b : cmp(a, b) === 0);
  switch (op) {
    case '+':
      if (l === null) return r;
      return typeof l === 'number' ? l + Number(toText(r)) : toText(l) + toText(r);
    case '-':
      return Number(toText(l)) - Number(toText(r));
    case '-eq':
      return equal(l, r);
    case '-ne':
      return !equal(l, r);
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
