/**
 * Parser for the PowerShell subset of the shim:
 *   script    := { statement (';' | newline) }
 *   statement := 'if' '(' expr ')' block { 'elseif' '(' expr ')' block } [ 'else' block ]
 *              | 'exit' [expr] | 'throw' [expr] | '&' primary | $var '=' expr
 *              | command { argument } | expr
 *   expr      := ['-not' | '!'] postfix { ('-eq'|'-ne'|'-gt'|'-lt'|'-ge'|'-le'|'-and'|'-or') … }
 *   postfix   := primary { .Member | ::Member } [ '(' args ')' ]
 *   primary   := 'string' | "string" | $var | number | '(' expr ')' | '{' script '}' | [Type]
 * Statements keep their source text, so the shim can hand lines it does not know to /bin/sh.
 */
import { type Located, PsSyntaxError, tokenize } from './ps-lexer.ts';

export type Expr =
  | { readonly type: 'literal'; readonly value: string | number | boolean | null }
  | { readonly type: 'string'; readonly value: string; readonly expandable: boolean }
  | { readonly type: 'var'; readonly name: string }
  | { readonly type: 'block'; readonly body: readonly Stmt[] }
  | { readonly type: 'not'; readonly operand: Expr }
  | { readonly type: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly type: 'typeName'; readonly name: string }
  | {
      readonly type: 'member';
      readonly target: Expr;
      readonly name: string;
      readonly args?: readonly Expr[];
    };

export type Stmt =
  | {
      readonly type: 'if';
      readonly clauses: ReadonlyArray<{ cond: Expr; body: readonly Stmt[] }>;
      readonly otherwise?: readonly Stmt[];
    }
  | { readonly type: 'exit'; readonly value?: Expr }
  | { readonly type: 'throw'; readonly value?: Expr; readonly source: string }
  | { readonly type: 'invoke'; readonly target: Expr }
  | { readonly type: 'assign'; readonly name: string; readonly value: Expr }
  | {
      readonly type: 'command';
      readonly name: string;
      readonly args: readonly Expr[];
      readonly source: string;
    }
  | { readonly type: 'expr'; readonly value: Expr };

const OPERATORS = new Set(['-eq', '-ne', '-gt', '-lt', '-ge', '-le', '-and', '-or']);

export function parseScript(source: string): Stmt[] {
  const tokens = tokenize(source);
  let pos = 0;
  const body = statements(false);
  if (pos < tokens.length) throw new PsSyntaxError('unexpected }');
  return body;

  function peek(offset = 0): Located | undefined {
    return tokens[pos + offset];
  }
  function isWord(t: Located | undefined, value: string): boolean {
    return t?.kind === 'word' && t.value.toLowerCase() === value;
  }
  function expect(kind: Located['kind']): Located {
    const t = tokens[pos];
    if (t?.kind !== kind) throw new PsSyntaxError(`expected ${kind}`);
    pos += 1;
    return t;
  }
  function skipNewlines(): void {
    while (peek()?.kind === 'nl') pos += 1;
  }
  function atStatementEnd(): boolean {
    const k = peek()?.kind;
    return k === undefined || k === 'nl' || k === 'semi' || k === 'rbrace' || k === 'rparen';
  }

  function statements(inBlock: boolean): Stmt[] {
    const out: Stmt[] = [];
    for (;;) {
      while (peek()?.kind === 'nl' || peek()?.kind === 'semi') pos += 1;
      const t = peek();
      if (t === undefined || t.kind === 'rbrace') {
        if (t && !inBlock) throw new PsSyntaxError('unexpected }');
        return out;
      }
      out.push(statement());
      if (!atStatementEnd()) throw new PsSyntaxError(`unexpected token at ${peek()?.start}`);
    }
  }

  function block(): Stmt[] {
    expect('lbrace');
    const body = statements(true);
    expect('rbrace');
    return body;
  }

  function statement(): Stmt {
    const t = peek();
    const start = t?.start ?? 0;
    if (isWord(t, 'if')) {
      pos += 1;
      const clauses = [condition()];
      let otherwise: Stmt[] | undefined;
      for (;;) {
        const save = pos;
        skipNewlines();
        if (isWord(peek(), 'elseif')) {
          pos += 1;
          clauses.push(condition());
        } else if (isWord(peek(), 'else')) {
          pos += 1;
          skipNewlines();
          otherwise = block();
          break;
        } else {
          pos = save;
          break;
        }
      }
      return otherwise ? { type: 'if', clauses, otherwise } : { type: 'if', clauses };
    }
    if (isWord(t, 'exit')) {
      pos += 1;
      return atStatementEnd() ? { type: 'exit' } : { type: 'exit', value: expression() };
    }
    if (isWord(t, 'throw')) {
      pos += 1;
      const value = atStatementEnd() ? undefined : expression();
      return { type: 'throw', ...(value ? { value } : {}), source: source.slice(start, peek(-1)?.end) };
    }
    if (t?.kind === 'amp') {
      pos += 1;
      return { type: 'invoke', target: postfix() };
    }
    if (t?.kind === 'var' && peek(1)?.kind === 'assign') {
      pos += 2;
      return { type: 'assign', name: t.name, value: expression() };
    }
    if (t?.kind === 'word' && !/^[-+]?\d/.test(t.value) && t.value !== '!' && !OPERATORS.has(t.value)) {
      pos += 1;
      const args: Expr[] = [];
      while (!atStatementEnd()) {
        if (peek()?.kind === 'pipe' || peek()?.kind === 'amp' || peek()?.kind === 'assign') {
          pos += 1; // pipelines and redirections are left to /bin/sh (see source)
          continue;
        }
        args.push(argument());
      }
      return { type: 'command', name: t.value, args, source: source.slice(start, peek(-1)?.end) };
    }
    return { type: 'expr', value: expression() };
  }

  function condition(): { cond: Expr; body: Stmt[] } {
    expect('lparen');
    skipNewlines();
    const cond = expression();
    skipNewlines();
    expect('rparen');
    skipNewlines();
    return { cond, body: block() };
  }

  /** A command argument: bare words stay strings (`-Seconds`, `hi`), anything else is a value. */
  function argument(): Expr {
    const t = peek();
    if (t?.kind === 'word') {
      pos += 1;
      return { type: 'string', value: t.value, expandable: false };
    }
    if (t?.kind === 'comma') {
      pos += 1;
      return argument();
    }
    return postfix();
  }

  function expression(): Expr {
    let left = unary();
    while (peek()?.kind === 'word' && OPERATORS.has((peek() as { value: string }).value.toLowerCase())) {
      const op = (tokens[pos++] as { value: string }).value.toLowerCase();
      skipNewlines();
      left = { type: 'binary', op, left, right: unary() };
    }
    return left;
  }

  function unary(): Expr {
    const t = peek();
    if (isWord(t, '-not') || isWord(t, '!')) {
      pos += 1;
      return { type: 'not', operand: unary() };
    }
    return postfix();
  }

  function postfix(): Expr {
    let value = primary();
    for (;;) {
      const t = peek();
      if (t?.kind !== 'static' && t?.kind !== 'member') return value;
      pos += 1;
      if (peek()?.kind === 'lparen' && peek()?.start === t.end) {
        pos += 1;
        const args: Expr[] = [];
        while (peek()?.kind !== 'rparen') {
          args.push(expression());
          if (peek()?.kind === 'comma') pos += 1;
          else if (peek()?.kind !== 'rparen') throw new PsSyntaxError('expected ) after arguments');
        }
        pos += 1;
        value = { type: 'member', target: value, name: t.name, args };
      } else {
        value = { type: 'member', target: value, name: t.name };
      }
    }
  }

  function primary(): Expr {
    const t = tokens[pos];
    if (t === undefined) throw new PsSyntaxError('unexpected end of script');
    pos += 1;
    switch (t.kind) {
      case 'str':
        return { type: 'string', value: t.value, expandable: t.expandable };
      case 'var':
        return { type: 'var', name: t.name };
      case 'type':
        return { type: 'typeName', name: t.name };
      case 'lbrace': {
        pos -= 1;
        return { type: 'block', body: block() };
      }
      case 'lparen': {
        skipNewlines();
        const inner = expression();
        skipNewlines();
        expect('rparen');
        return inner;
      }
      case 'word': {
        const n = Number(t.value);
        if (t.value !== '' && Number.isFinite(n)) return { type: 'literal', value: n };
        return { type: 'string', value: t.value, expandable: false };
      }
      default:
        throw new PsSyntaxError(`unexpected ${t.kind}`);
    }
  }
}
