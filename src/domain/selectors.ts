/**
 * The selector language that picks hosts: names and globs, tags, labels, groups, OS and transport,
 * combined with `and`, `or` (or `,`), `not` and parentheses. Parsing and evaluation are pure; the
 * grammar is written out in docs/inventory.md.
 */
import { OSES, type Os, TRANSPORTS, type Transport } from './host-settings.ts';
import { globToRegExp, isPattern } from './targets.ts';

/** A value to compare with: a bare word (where `*` and `?` are globs) or quoted text (literal). */
export interface SelectorValue {
  readonly text: string;
  readonly quoted: boolean;
}

/** The parsed form of a selector. */
export type SelectorNode =
  | { readonly kind: 'name'; readonly value: SelectorValue }
  | { readonly kind: 'tag'; readonly value: SelectorValue }
  | { readonly kind: 'group'; readonly value: SelectorValue }
  | { readonly kind: 'label'; readonly key: string; readonly op: '=' | '!='; readonly value: SelectorValue }
  | { readonly kind: 'os'; readonly value: Os }
  | { readonly kind: 'transport'; readonly value: Transport }
  | { readonly kind: 'not'; readonly operand: SelectorNode }
  | { readonly kind: 'and' | 'or'; readonly left: SelectorNode; readonly right: SelectorNode };

/** What a selector looks at in a host. `groups` are the effective ones: ancestors included. */
export interface SelectableHost {
  readonly name: string;
  readonly tags: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly groups: readonly string[];
  readonly os: Os;
  readonly transport: Transport;
}

/** A selector that does not parse: where (1-based column) and what was expected there. */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
  constructor(
    readonly position: number,
    /** e.g. `expected a term after "and"`. */
    readonly problem: string,
  ) {
    super(`selector: at ${position}: ${problem}`);
  }
  /** The message without the `selector: ` prefix, for an error that names the field itself. */
  get detail(): string {
    return `at ${this.position}: ${this.problem}`;
  }
}

export const TAG_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const LABEL_KEY_PATTERN = /^[A-Za-z0-9_./-]{1,64}$/;
export const LABEL_VALUE_MAX = 256;
const MAX_DEPTH = 64;

type Token =
  | { readonly type: 'word'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly type: 'string'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly type: '(' | ')' | ',' | '=' | '!=' | 'end'; readonly start: number; readonly end: number };

const SPECIAL = new Set(['(', ')', ',', '"', '=', '!']);

function tokenize(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',' || c === '=') {
      out.push({ type: c, start: i, end: i + 1 });
      i++;
    } else if (c === '!') {
      if (input[i + 1] !== '=') throw new SelectorError(i + 1, 'expected "!=" (use "not" to negate)');
      out.push({ type: '!=', start: i, end: i + 2 });
      i += 2;
    } else if (c === '"') {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= input.length) throw new SelectorError(i + 1, 'expected a closing " for this quote');
        const d = input[j] as string;
        if (d === '"') break;
        if (d === '\\' && (input[j + 1] === '"' || input[j + 1] === '\\')) {
          text += input[j + 1];
          j += 2;
        } else {
          text += d;
          j++;
        }
      }
      out.push({ type: 'string', text, start: i, end: j + 1 });
      i = j + 1;
    } else {
      let j = i;
      while (j < input.length && !SPECIAL.has(input[j] as string) && !/\s/.test(input[j] as string)) j++;
      out.push({ type: 'word', text: input.slice(i, j), start: i, end: j });
      i = j;
    }
  }
  out.push({ type: 'end', start: input.length, end: input.length });
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not']);
const keyword = (t: Token): string | null =>
  t.type === 'word' && KEYWORDS.has(t.text.toLowerCase()) ? t.text.toLowerCase() : null;

const describe = (t: Token): string =>
  t.type === 'end' ? 'the end' : t.type === 'word' || t.type === 'string' ? `"${t.text}"` : `"${t.type}"`;

const PREFIXES = ['tag', 'group', 'name', 'os', 'transport'] as const;
type Prefix = (typeof PREFIXES)[number];

class Parser {
  private at = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  private get peek(): Token {
    return this.tokens[this.at] as Token;
  }
  private next(): Token {
    return this.tokens[this.at++] as Token;
  }
  private fail(t: Token, problem: string): never {
    throw new SelectorError(t.start + 1, problem);
  }

  parse(): SelectorNode {
    if (this.peek.type === 'end')
      this.fail(this.peek, 'expected a term (a host name, tag:NAME, KEY=VALUE …)');
    const node = this.or();
    const t = this.peek;
    if (t.type === 'end') return node;
    if (t.type === ')') this.fail(t, 'expected no ")" here: it closes nothing');
    return this.fail(t, `expected "and", "or", "," or the end before ${describe(t)}`);
  }

  private or(): SelectorNode {
    let left = this.and();
    for (;;) {
      const t = this.peek;
      if (keyword(t) !== 'or' && t.type !== ',') return left;
      this.next();
      left = { kind: 'or', left, right: this.and(t) };
    }
  }

  private and(after?: Token): SelectorNode {
    let left = this.unary(after);
    for (;;) {
      const t = this.peek;
      if (keyword(t) !== 'and') return left;
      this.next();
      left = { kind: 'and', left, right: this.unary(t) };
    }
  }

  private unary(after?: Token): SelectorNode {
    const t = this.peek;
    if (keyword(t) === 'not') {
      this.next();
      return { kind: 'not', operand: this.unary(t) };
    }
    return this.primary(after);
  }

  private primary(after?: Token): SelectorNode {
    const t = this.next();
    if (t.type === '(') {
      if (++this.depth > MAX_DEPTH) this.fail(t, `expected at most ${MAX_DEPTH} nested parentheses`);
      const inner = this.or();
      const close = this.next();
      if (close.type !== ')') this.fail(close, `expected ")" to close the "(" at ${t.start + 1}`);
      this.depth--;
      return inner;
    }
    if (t.type === 'string') return { kind: 'name', value: { text: t.text, quoted: true } };
    if (t.type === 'word' && !keyword(t)) return this.term(t);
    const where = after ? ` after ${describe(after)}` : '';
    return this.fail(t, `expected a term${where}${t.type === 'end' ? '' : `, found ${describe(t)}`}`);
  }

  /** A word: `NAME`, `PREFIX:VALUE`, or `KEY` followed by `=`/`!=` and a value. */
  private term(t: Token & { type: 'word' }): SelectorNode {
    const op = this.peek;
    if (op.type === '=' || op.type === '!=') {
      this.next();
      if (!LABEL_KEY_PATTERN.test(t.text)) {
        this.fail(t, `expected a label key of letters, digits and _ . / - (up to 64), found "${t.text}"`);
      }
      const v = this.next();
      if (v.type !== 'word' && v.type !== 'string') this.fail(v, `expected a value after "${op.type}"`);
      if (v.text.length > LABEL_VALUE_MAX)
        this.fail(v, `expected a value of at most ${LABEL_VALUE_MAX} characters`);
      return {
        kind: 'label',
        key: t.text,
        op: op.type,
        value: { text: v.text, quoted: v.type === 'string' },
      };
    }
    const colon = t.text.indexOf(':');
    const prefix = colon > 0 ? t.text.slice(0, colon).toLowerCase() : '';
    if (!(PREFIXES as readonly string[]).includes(prefix)) {
      return { kind: 'name', value: { text: t.text, quoted: false } };
    }
    let value: SelectorValue = { text: t.text.slice(colon + 1), quoted: false };
    const quoted = this.peek;
    if (value.text === '' && quoted.type === 'string' && quoted.start === t.end) {
      this.next();
      value = { text: quoted.text, quoted: true };
    }
    if (value.text === '') this.fail({ ...t, start: t.end }, `expected a value after "${prefix}:"`);
    return this.prefixed(prefix as Prefix, value, t);
  }

  private prefixed(prefix: Prefix, value: SelectorValue, t: Token): SelectorNode {
    switch (prefix) {
      case 'os': {
        const os = OSES.find((o) => o === value.text.toLowerCase());
        if (!os) this.fail(t, `expected os:${OSES.join(' or os:')}, found "os:${value.text}"`);
        return { kind: 'os', value: os };
      }
      case 'transport': {
        const tr = TRANSPORTS.find((o) => o === value.text.toLowerCase());
        if (!tr) {
          this.fail(
            t,
            `expected transport:${TRANSPORTS.join(' or transport:')}, found "transport:${value.text}"`,
          );
        }
        return { kind: 'transport', value: tr };
      }
      case 'tag':
        if (!value.quoted && !/^[A-Za-z0-9_.:*?-]+$/.test(value.text)) {
          this.fail(t, `expected a tag of letters, digits and _ . : - after "tag:", found "${value.text}"`);
        }
        return { kind: 'tag', value };
      case 'group':
        return { kind: 'group', value };
      case 'name':
        return { kind: 'name', value };
    }
  }
}

/** Parses a selector; throws SelectorError saying where and what was expected. */
export function parseSelector(input: string): SelectorNode {
  return new Parser(tokenize(input)).parse();
}

function matcher(v: SelectorValue): (s: string) => boolean {
  if (v.quoted || !isPattern(v.text)) return (s) => s === v.text;
  const re = globToRegExp(v.text);
  return (s) => re.test(s);
}

/** A predicate for a parsed selector; globs compile once. */
export function compileSelector(node: SelectorNode): (h: SelectableHost) => boolean {
  switch (node.kind) {
    case 'name': {
      const m = matcher(node.value);
      return (h) => m(h.name);
    }
    case 'tag': {
      const m = matcher(node.value);
      return (h) => h.tags.some(m);
    }
    case 'group': {
      const m = matcher(node.value);
      return (h) => h.groups.some(m);
    }
    case 'label': {
      const m = matcher(node.value);
      const { key } = node;
      const has = (h: SelectableHost) => Object.hasOwn(h.labels, key) && m(h.labels[key] as string);
      return node.op === '=' ? has : (h) => !has(h);
    }
    case 'os':
      return (h) => h.os === node.value;
    case 'transport':
      return (h) => h.transport === node.value;
    case 'not': {
      const f = compileSelector(node.operand);
      return (h) => !f(h);
    }
    case 'and': {
      const l = compileSelector(node.left);
      const r = compileSelector(node.right);
      return (h) => l(h) && r(h);
    }
    case 'or': {
      const l = compileSelector(node.left);
      const r = compileSelector(node.right);
      return (h) => l(h) || r(h);
    }
  }
}

/** The hosts a selector picks, in the order given. */
export function selectHosts<H extends SelectableHost>(hosts: readonly H[], selector: string): H[] {
  const f = compileSelector(parseSelector(selector));
  return hosts.filter(f);
}

/** Writes a parsed selector back as text that parses to the same tree. */
export function formatSelector(node: SelectorNode): string {
  const value = (v: SelectorValue) => (v.quoted ? `"${v.text.replace(/["\\]/g, '\\$&')}"` : v.text);
  const wrap = (n: SelectorNode, parent: 'and' | 'or' | 'not') => {
    const s = formatSelector(n);
    const weaker = n.kind === 'or' ? parent !== 'or' : n.kind === 'and' ? parent === 'not' : false;
    return weaker ? `(${s})` : s;
  };
  switch (node.kind) {
    case 'name':
      return node.value.quoted ? value(node.value) : node.value.text;
    case 'tag':
    case 'group':
      return `${node.kind}:${value(node.value)}`;
    case 'label':
      return `${node.key}${node.op}${value(node.value)}`;
    case 'os':
    case 'transport':
      return `${node.kind}:${node.value}`;
    case 'not':
      return `not ${wrap(node.operand, 'not')}`;
    case 'and':
    case 'or':
      return `${wrap(node.left, node.kind)} ${node.kind} ${wrap(node.right, node.kind)}`;
  }
}
