/**
 * Where in shell text a quoted value may be inserted. A quoted word is only a word where the shell
 * reads words: inside the user's own quotes, a comment, a here-document or after an escape
 * character, orca's quotes would be taken literally or end the user's, and the value's text would
 * become code (`echo "${{ parameters.v }}"` with `$(id)`). So a value may only go where the
 * shell is at the top level of a command (or inside `$( )`). The scanners lean towards refusing:
 * where the shell's grammar is unclear to them, they report a quoted context. Pure.
 */
import type { Shell } from './quote.ts';

/** For each offset of `text` where a value was inserted, why it may not be there; safe offsets are absent. */
export function unsafePlacements(
  shell: Shell,
  text: string,
  offsets: readonly number[],
): Map<number, string> {
  const wanted = new Set(offsets);
  const found = new Map<number, string>();
  const at = (i: number, reason: string | undefined) => {
    if (reason !== undefined && wanted.has(i)) found.set(i, reason);
  };
  if (shell === 'sh') scanSh(text, at);
  else if (shell === 'powershell') scanPowerShell(text, at);
  else scanCmd(text, at);
  return found;
}

type At = (i: number, reason: string | undefined) => void;
type Frame =
  | { kind: 'cmd' }
  | { kind: 'sub'; depth: number }
  | { kind: 'single' | 'double' | 'ansi' | 'backtick' };

const FRAME_REASON: Record<Frame['kind'], string | undefined> = {
  cmd: undefined,
  sub: undefined,
  single: 'inside single quotes',
  ansi: "inside $'…' quotes",
  double: 'inside double quotes',
  backtick: 'inside backticks (use $( ) instead)',
};

interface Heredoc {
  readonly delimiter: string;
  readonly stripTabs: boolean;
}

/** POSIX sh (dash, bash): quotes, `\`, `$'…'`, backticks, `$( )`, `#` comments and here-documents. */
function scanSh(text: string, at: At): void {
  const stack: Frame[] = [{ kind: 'cmd' }];
  let escaped = false;
  let comment = false;
  let dollar = false;
  const pending: Heredoc[] = [];
  let body: Heredoc | undefined;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const top = stack[stack.length - 1]!;
    at(
      i,
      body
        ? 'inside a here-document'
        : comment
          ? 'inside a comment'
          : escaped
            ? 'right after an escaping backslash'
            : (FRAME_REASON[top.kind] ?? (dollar ? 'right after a $' : undefined)),
    );
    const afterDollar = dollar;
    dollar = false;
    if (body) {
      if (c === '\n') {
        const line = text.slice(lineStart, i);
        if ((body.stripTabs ? line.replace(/^\t+/, '') : line) === body.delimiter) body = pending.shift();
        lineStart = i + 1;
      }
      continue;
    }
    if (comment && c !== '\n') continue;
    comment = false;
    if (escaped) {
      escaped = false;
      continue;
    }
    if (top.kind === 'single') {
      if (c === "'") stack.pop();
      continue;
    }
    if (top.kind === 'ansi' || top.kind === 'backtick') {
      if (c === '\\') escaped = true;
      else if (c === (top.kind === 'ansi' ? "'" : '`')) stack.pop();
      continue;
    }
    if (top.kind === 'double') {
      if (c === '\\') escaped = true;
      else if (c === '"') stack.pop();
      else if (c === '`') stack.push({ kind: 'backtick' });
      else if (c === '(' && afterDollar) stack.push({ kind: 'sub', depth: 0 });
      dollar = c === '$';
      continue;
    }
    // Top level of a command, or inside $( ).
    if (c === '\\') escaped = true;
    else if (c === "'") stack.push({ kind: afterDollar ? 'ansi' : 'single' });
    else if (c === '"') stack.push({ kind: 'double' });
    else if (c === '`') stack.push({ kind: 'backtick' });
    else if (c === '#' && (i === 0 || /[\s;&|()<>]/.test(text[i - 1]!))) comment = true;
    else if (c === '(') {
      if (afterDollar) stack.push({ kind: 'sub', depth: 0 });
      else if (top.kind === 'sub') top.depth++;
    } else if (c === ')' && top.kind === 'sub') {
      if (top.depth === 0) stack.pop();
      else top.depth--;
    } else if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<' && text[i - 1] !== '<') {
      const op = heredocOperator(text, i);
      if (op !== undefined) {
        for (let k = i + 1; k < op.end; k++) at(k, 'inside a here-document delimiter');
        pending.push(op.heredoc);
        i = op.end - 1;
      }
    } else if (c === '\n' && pending.length > 0) {
      body = pending.shift();
      lineStart = i + 1;
    }
    dollar = c === '$';
  }
}

/** `<<[-] word` at `i`: the delimiter with its quotes removed, and where the word ends. */
function heredocOperator(text: string, i: number): { heredoc: Heredoc; end: number } | undefined {
  let j = i + 2;
  const stripTabs = text[j] === '-';
  if (stripTabs) j++;
  while (text[j] === ' ' || text[j] === '\t') j++;
  let delimiter = '';
  while (j < text.length && !/[\s;&|()<>]/.test(text[j]!)) {
    const c = text[j]!;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, j + 1);
      if (close < 0) return undefined;
      delimiter += text.slice(j + 1, close);
      j = close + 1;
    } else if (c === '\\') {
      delimiter += text[j + 1] ?? '';
      j += 2;
    } else {
      delimiter += c;
      j++;
    }
  }
  return delimiter === '' ? undefined : { heredoc: { delimiter, stripTabs }, end: j };
}

const isSingleQuote = (c: string | undefined) => c !== undefined && "'\u2018\u2019\u201a\u201b".includes(c);
const isDoubleQuote = (c: string | undefined) => c !== undefined && '"\u201c\u201d\u201e'.includes(c);

/**
 * PowerShell: '…' and "…" with their typographic twins and doubling, the backtick escape,
 * `$( )` inside strings, here-strings, `#` and `<# #>` comments. Every `#` outside a string
 * counts as a comment start (refusing `a#b ${{ … }}` rather than guessing PowerShell's token rules).
 */
function scanPowerShell(text: string, at: At): void {
  const stack: Frame[] = [{ kind: 'cmd' }];
  let escaped = false;
  let comment: 'line' | 'block' | undefined;
  let here: 'single' | 'double' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const next = text[i + 1];
    const top = stack[stack.length - 1]!;
    const prev = text[i - 1];
    const reason = here
      ? 'inside a here-string'
      : comment
        ? 'inside a comment'
        : escaped
          ? 'right after an escaping backtick'
          : (FRAME_REASON[top.kind] ?? (prev === '$' || prev === '@' ? `right after a ${prev}` : undefined));
    at(i, reason);
    const skip = () => {
      at(i + 1, reason);
      i++;
    };
    if (here) {
      const quote = here === 'single' ? isSingleQuote(c) : isDoubleQuote(c);
      if (prev === '\n' && quote && next === '@') {
        skip();
        here = undefined;
      }
    } else if (comment === 'line') {
      if (c === '\n') comment = undefined;
    } else if (comment === 'block') {
      if (c === '#' && next === '>') {
        skip();
        comment = undefined;
      }
    } else if (escaped) {
      escaped = false;
    } else if (top.kind === 'single') {
      if (isSingleQuote(c)) {
        if (isSingleQuote(next)) skip();
        else stack.pop();
      }
    } else if (top.kind === 'double') {
      if (c === '`') escaped = true;
      else if (isDoubleQuote(c)) {
        if (isDoubleQuote(next)) skip();
        else stack.pop();
      } else if (c === '$' && next === '(') {
        skip();
        stack.push({ kind: 'sub', depth: 0 });
      }
    } else if (c === '`') escaped = true;
    else if (isSingleQuote(c)) stack.push({ kind: 'single' });
    else if (isDoubleQuote(c)) stack.push({ kind: 'double' });
    else if (
      c === '@' &&
      (isSingleQuote(next) || isDoubleQuote(next)) &&
      /^[ \t]*\r?\n/.test(text.slice(i + 2))
    ) {
      here = isSingleQuote(next) ? 'single' : 'double';
      while (text[i + 1] !== '\n') skip();
    } else if (c === '<' && next === '#') {
      skip();
      comment = 'block';
    } else if (c === '#') comment = 'line';
    else if (c === '(' && top.kind === 'sub') top.depth++;
    else if (c === ')' && top.kind === 'sub') {
      if (top.depth === 0) stack.pop();
      else top.depth--;
    }
  }
}

/**
 * cmd: `"` toggles quoting until the end of the line, `^` escapes outside quotes, and `%…%` is
 * expanded before anything else, quotes or not — so a value may not sit between two `%` of a line.
 */
function scanCmd(text: string, at: At): void {
  let quoted = false;
  let escaped = false;
  let percents = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const prev = text[i - 1];
    at(
      i,
      quoted
        ? 'inside double quotes'
        : escaped
          ? 'right after an escaping ^'
          : percents % 2 === 1
            ? 'between % signs, where cmd expands variables'
            : prev === '!'
              ? 'right after a !'
              : undefined,
    );
    if (c === '\n') {
      quoted = false;
      escaped = false;
      percents = 0;
    } else if (escaped) escaped = false;
    else if (c === '"') quoted = !quoted;
    else if (c === '^' && !quoted) escaped = true;
    if (c === '%') percents++;
  }
}
