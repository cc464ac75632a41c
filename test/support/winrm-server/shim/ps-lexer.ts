/** Tokens of the PowerShell subset the shim understands (see ps-parser.ts for the grammar). */

export type Token =
  | { kind: 'nl' | 'semi' | 'lbrace' | 'rbrace' | 'lparen' | 'rparen' | 'amp' | 'comma' | 'assign' | 'pipe' }
  | { kind: 'word'; value: string }
  | { kind: 'str'; value: string; expandable: boolean }
  | { kind: 'var'; name: string }
  /** `[Type.Name]` */
  | { kind: 'type'; name: string }
  /** `::Member` right after a type literal */
  | { kind: 'static'; name: string }
  /** `.Member` right after `)`, a type's static member or another member */
  | { kind: 'member'; name: string };

export type Located = Token & { readonly start: number; readonly end: number };

export class PsSyntaxError extends Error {}

const WORD_END = /[\s;{}()|&,'"]/;
const IDENT = /[A-Za-z0-9_]/;

export function tokenize(source: string): Located[] {
  const out: Located[] = [];
  let i = 0;
  const push = (t: Token, start: number) => out.push({ ...t, start, end: i } as Located);
  while (i < source.length) {
    const c = source[i] ?? '';
    const start = i;
    if (c === '\n') {
      i += 1;
      push({ kind: 'nl' }, start);
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i += 1;
    } else if (c === '`' && (source[i + 1] === '\n' || source.startsWith('\r\n', i + 1))) {
      i += source[i + 1] === '\n' ? 2 : 3; // line continuation
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (source.startsWith('<#', i)) {
      const close = source.indexOf('#>', i + 2);
      if (close < 0) throw new PsSyntaxError('missing #> of a block comment');
      i = close + 2;
    } else if (c === ';' || c === '{' || c === '}' || c === '(' || c === ')' || c === '&' || c === ',') {
      i += 1;
      const kinds = {
        ';': 'semi',
        '{': 'lbrace',
        '}': 'rbrace',
        '(': 'lparen',
        ')': 'rparen',
        '&': 'amp',
        ',': 'comma',
      };
      push({ kind: kinds[c] } as Token, start);
    } else if (c === '!') {
      i += 1;
      push({ kind: 'word', value: '!' }, start);
    } else if (c === '|') {
      i += 1;
      push({ kind: 'pipe' }, start);
    } else if (c === '=' && source[i + 1] !== '=') {
      i += 1;
      push({ kind: 'assign' }, start);
    } else if (isQuote(c, "'")) {
      push({ kind: 'str', value: readSingleQuoted(), expandable: false }, start);
    } else if (isQuote(c, '"')) {
      push({ kind: 'str', value: readDoubleQuoted(), expandable: true }, start);
    } else if (c === '$') {
      i += 1;
      let name = '';
      if (source[i] === '?' || source[i] === '$' || source[i] === '^') name = source[i++] ?? '';
      else if (source[i] === '{') {
        const close = source.indexOf('}', i);
        if (close < 0) throw new PsSyntaxError('missing } of a braced variable name');
        name = source.slice(i + 1, close);
        i = close + 1;
      } else {
        while (i < source.length && (IDENT.test(source[i] ?? '') || source[i] === ':')) name += source[i++];
      }
      push({ kind: 'var', name }, start);
    } else if (c === '[' && /^\[[A-Za-z][\w.]*\]/.test(source.slice(i))) {
      const close = source.indexOf(']', i);
      const name = source.slice(i + 1, close);
      i = close + 1;
      push({ kind: 'type', name }, start);
    } else if (source.startsWith('::', i) && out.at(-1)?.kind === 'type') {
      i += 2;
      push({ kind: 'static', name: readIdent() }, start);
    } else if (c === '.' && IDENT.test(source[i + 1] ?? '') && followsValue(out.at(-1), start)) {
      i += 1;
      push({ kind: 'member', name: readIdent() }, start);
    } else {
      let value = '';
      while (i < source.length && !WORD_END.test(source[i] ?? '')) value += source[i++];
      push({ kind: 'word', value }, start);
    }
  }
  return out;

  function readIdent(): string {
    let name = '';
    while (i < source.length && IDENT.test(source[i] ?? '')) name += source[i++];
    return name;
  }

  function readSingleQuoted(): string {
    let value = '';
    i += 1;
    for (;;) {
      if (i >= source.length) throw new PsSyntaxError('missing closing quote');
      const ch = source[i] ?? '';
      if (isQuote(ch, "'")) {
        if (isQuote(source[i + 1] ?? '', "'")) {
          value += ch;
          i += 2;
          continue;
        }
        i += 1;
        return value;
      }
      value += ch;
      i += 1;
    }
  }

  function readDoubleQuoted(): string {
    let value = '';
    i += 1;
    for (;;) {
      if (i >= source.length) throw new PsSyntaxError('missing closing quote');
      const ch = source[i] ?? '';
      if (ch === '`') {
        // Kept escaped: expansion (ps-eval.ts) decodes backticks and variables together.
        value += ch + (source[i + 1] ?? '');
        i += 2;
        continue;
      }
      if (isQuote(ch, '"')) {
        if (isQuote(source[i + 1] ?? '', '"')) {
          value += '`"';
          i += 2;
          continue;
        }
        i += 1;
        return value;
      }
      value += ch;
      i += 1;
    }
  }
}

/** PowerShell also accepts typographic quotes: ‘ ’ ‚ ‛ as single and “ ” „ as double quotes. */
function isQuote(c: string, kind: "'" | '"'): boolean {
  if (c.length !== 1) return false;
  return kind === "'" ? "'\u2018\u2019\u201a\u201b".includes(c) : '"\u201c\u201d\u201e'.includes(c);
}

function followsValue(previous: Located | undefined, start: number): boolean {
  if (!previous || previous.end !== start) return false;
  return (
    previous.kind === 'rparen' ||
    previous.kind === 'static' ||
    previous.kind === 'member' ||
    previous.kind === 'var'
  );
}
