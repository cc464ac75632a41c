/**
 * Parser for the PowerShell subset of the shim:
 *   script    := { statement (';' | newline) }
 *   statement := 'if' '(' expr ')' block { 'elseif' '(' expr ')' block } [ 'else' block ]
 *              | 'while' '(' expr ')' block | 'foreach' '(' $var 'in' expr ')' block | 'break' | 'continue'
 *              | 'try' block [ 'catch' { [Type] } block ] [ 'finally' block ]
 *              | 'exit' [expr] | 'throw' [expr] | '&' primary | $var '=' expr
 *              | command { argument } | postfix '=' expr (a property) | expr
 *   expr      := cmp { ('-and'|'-or') cmp }          (lowest precedence, as PowerShell)
 *   cmp       := sum { ('-eq'|'-ne'|'-gt'|'-lt'|'-ge'|'-le') sum }
 *   sum       := unary { ('+'|'-') unary }
 *   unary     := ('-not' | '!') unary | postfix
 *   postfix   := primary { .Member | ::Member } [ '(' args ')' ]
 *   primary   := 'string' | "string" | $var | number | '(' statement ')' | '{' script '}' | [Type]
 * `(statement)` that is a command is evaluated for its output (`(Get-FileHash x).Hash`).
 * Statements keep their source text and line, for error records and for the lines the shim hands
 * to /bin/sh.
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
  /** A parenthesized command: its output is the value. */
  | { readonly type: 'capture'; readonly body: Stmt }
  | {
      readonly type: 'member';
      readonly target: Expr;
      readonly name: string;
      readonly args?: readonly Expr[];
    };

/** Where a statement is: 1-based line and column in its script, and its source text. */
export interface Where {
  readonly line: number;
  readonly char: number;
  readonly text: string;
}

export type Stmt = StmtKind & { readonly at: Where };

type StmtKind =
  | {
      readonly type: 'if';
      readonly clauses: ReadonlyArray<{ cond: Expr; body: readonly Stmt[] }>;
      readonly otherwise?: readonly Stmt[];
    }
  | { readonly type: 'while'; readonly cond: Expr; readonly body: readonly Stmt[] }
  | { readonly type: 'foreach'; readonly name: string; readonly items: Expr; readonly body: readonly Stmt[] }
  | { readonly type: 'loop'; readonly kind: 'break' | 'continue' }
  | {
      readonly type: 'try';
      readonly body: readonly Stmt[];
      readonly catchBody?: readonly Stmt[];
      readonly finallyBody?: readonly Stmt[];
    }
  | { readonly type: 'exit'; readonly value?: Expr }
  | { readonly type: 'throw'; readonly value?: Expr; readonly source: string }
  | { readonly type: 'invoke'; readonly target: Expr }
  | { readonly type: 'assign'; readonly name: string; readonly value: Expr }
  | { readonly type: 'setMember'; readonly target: Expr; readonly name: string; readonly value: Expr }
  | {
      readonly type: 'command';
      readonly name: string;
      readonly args: readonly Expr[];
      readonly source: string;
    }
  | { readonly type: 'expr'; readonly value: Expr };

const LOGICAL = new Set(['-and', '-or']);
const COMPARISON = new Set(['-eq', '-ne', '-gt', '-lt', '-ge', '-le']);
const ADDITIVE = new Set(['+', '-']);

export function parseScript(source: string): Stmt[] {
  const tokens = tokenize(source);
  const lineStarts = [0];
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lineStarts.push(i + 1);
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
      out.push(located());
      if (!atStatementEnd()) throw new PsSyntaxError(`unexpected token at ${peek()?.start}`);
    }
  }

  function block(): Stmt[] {
    expect('lbrace');
    const body = statements(true);
    expect('rbrace');
    return body;
  }

  /** A statement with its position. */
  function located(): Stmt {
    const start = peek()?.start ?? 0;
    const stmt = statement();
    let line = 0;
    while (line + 1 < lineStarts.length && (lineStarts[line + 1] ?? 0) <= start) line += 1;
    const at = {
      line: line + 1,
      char: start - (lineStarts[line] ?? 0) + 1,
      text: source.slice(start, peek(-1)?.end),
    };
    return { ...stmt, at };
  }

  function isOperator(set: ReadonlySet<string>): boolean {
    const t = peek();
    return t?.kind === 'word' && set.has(t.value.toLowerCase());
  }

  function statement(): StmtKind {
    const t = peek();
    const start = t?.start ?? 0;
    if (isWord(t, 'while')) {
      pos += 1;
      const { cond, body } = condition();
      return { type: 'while', cond, body };
    }
    // `foreach` without `(` is ForEach-Object's alias in a pipeline, which the shim has not.
    if (isWord(t, 'foreach') && peek(1)?.kind === 'lparen') {
      pos += 2;
      skipNewlines();
      const variable = expect('var') as Extract<Located, { kind: 'var' }>;
      if (!isWord(peek(), 'in')) throw new PsSyntaxError("Missing 'in' after variable in foreach loop.");
      pos += 1;
      skipNewlines();
      const items = expression();
      skipNewlines();
      expect('rparen');
      skipNewlines();
      return { type: 'foreach', name: variable.name, items, body: block() };
    }
    if (isWord(t, 'break') || isWord(t, 'continue')) {
      pos += 1;
      return { type: 'loop', kind: isWord(t, 'break') ? 'break' : 'continue' };
    }
    if (isWord(t, 'try')) {
      pos += 1;
      skipNewlines();
      const body = block();
      let catchBody: Stmt[] | undefined;
      let finallyBody: Stmt[] | undefined;
      let save = pos;
      skipNewlines();
      if (isWord(peek(), 'catch')) {
        pos += 1;
        while (peek()?.kind === 'type' || peek()?.kind === 'comma') pos += 1;
        skipNewlines();
        catchBody = block();
        save = pos;
        skipNewlines();
      }
      if (isWord(peek(), 'finally')) {
        pos += 1;
        skipNewlines();
        finallyBody = block();
      } else {
        pos = save;
      }
      if (!catchBody && !finallyBody)
        throw new PsSyntaxError('The Try statement is missing its Catch or Finally block.');
      return {
        type: 'try',
        body,
        ...(catchBody ? { catchBody } : {}),
        ...(finallyBody ? { finallyBody } : {}),
      };
    }
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
    if (t?.kind === 'word' && !/^[-+]?\d/.test(t.value) && !/^[-+!]/.test(t.value)) {
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
    const value = expression();
    if (peek()?.kind === 'assign' && value.type === 'member' && value.args === undefined) {
      pos += 1;
      return { type: 'setMember', target: value.target, name: value.name, value: expression() };
    }
    return { type: 'expr', value };
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
    return binaryLevel(LOGICAL, () => binaryLevel(COMPARISON, () => binaryLevel(ADDITIVE, unary)));
  }

  /** Left-associative operators of one precedence level over operands of the next. */
  function binaryLevel(ops: ReadonlySet<string>, operand: () => Expr): Expr {
    let left = operand();
    while (isOperator(ops)) {
      const op = (tokens[pos++] as { value: string }).value.toLowerCase();
      skipNewlines();
      left = { type: 'binary', op, left, right: operand() };
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
        const inner = located();
        skipNewlines();
        expect('rparen');
        return inner.type === 'expr' ? inner.value : { type: 'capture', body: inner };
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
