/**
 * A small streaming parser for terminal output: keeps SGR colours and text attributes, drops
 * every other escape sequence (cursor moves, titles), and carries state and half-received
 * sequences across chunks.
 */

export interface AnsiStyle {
  /** 0–15: a palette colour (themed by CSS); a `#rrggbb` string otherwise. */
  readonly fg?: number | string;
  readonly bg?: number | string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly italic?: boolean;
  readonly underline?: boolean;
  readonly inverse?: boolean;
}

export interface StyledText {
  readonly text: string;
  /** null when no attribute is set. */
  readonly style: AnsiStyle | null;
}

const ESC = '\x1b';
/** A sequence longer than this is garbage, not a sequence still arriving. */
const MAX_PENDING = 256;

const hex = (n: number) => n.toString(16).padStart(2, '0');
const rgb = (r: number, g: number, b: number) => `#${hex(r)}${hex(g)}${hex(b)}`;

/** xterm's 256-colour table beyond the 16 themed colours. */
export function color256(n: number): number | string {
  if (n < 16) return n;
  if (n < 232) {
    const steps = [0, 95, 135, 175, 215, 255];
    const i = n - 16;
    return rgb(steps[Math.floor(i / 36)] ?? 0, steps[Math.floor(i / 6) % 6] ?? 0, steps[i % 6] ?? 0);
  }
  const v = 8 + (n - 232) * 10;
  return rgb(v, v, v);
}

/** Applies one SGR parameter list (`1;31`, `38;5;208`, `48;2;10;20;30`) to a style. */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let s: AnsiStyle = style;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] ?? 0;
    if (c === 0) s = {};
    else if (c === 1) s = { ...s, bold: true };
    else if (c === 2) s = { ...s, dim: true };
    else if (c === 3) s = { ...s, italic: true };
    else if (c === 4) s = { ...s, underline: true };
    else if (c === 7) s = { ...s, inverse: true };
    else if (c === 22) s = { ...s, bold: false, dim: false };
    else if (c === 23) s = { ...s, italic: false };
    else if (c === 24) s = { ...s, underline: false };
    else if (c === 27) s = { ...s, inverse: false };
    else if (c >= 30 && c <= 37) s = { ...s, fg: c - 30 };
    else if (c >= 90 && c <= 97) s = { ...s, fg: c - 90 + 8 };
    else if (c === 39) s = { ...s, fg: undefined };
    else if (c >= 40 && c <= 47) s = { ...s, bg: c - 40 };
    else if (c >= 100 && c <= 107) s = { ...s, bg: c - 100 + 8 };
    else if (c === 49) s = { ...s, bg: undefined };
    else if (c === 38 || c === 48) {
      let value: number | string | undefined;
      if (codes[i + 1] === 5) {
        value = color256(Math.min(255, codes[i + 2] ?? 0));
        i += 2;
      } else if (codes[i + 1] === 2) {
        const [r = 0, g = 0, b = 0] = codes.slice(i + 2, i + 5).map((v) => Math.min(255, v));
        value = rgb(r, g, b);
        i += 4;
      }
      s = c === 38 ? { ...s, fg: value } : { ...s, bg: value };
    }
  }
  return s;
}

function isPlain(s: AnsiStyle): boolean {
  return (
    !s.bold && !s.dim && !s.italic && !s.underline && !s.inverse && s.fg === undefined && s.bg === undefined
  );
}

/** Equal styles render identically, so adjacent pieces with equal keys can be merged. */
export function styleKey(s: AnsiStyle | null): string {
  if (!s) return '';
  return `${s.fg ?? ''}/${s.bg ?? ''}/${s.bold ? 'b' : ''}${s.dim ? 'd' : ''}${s.italic ? 'i' : ''}${s.underline ? 'u' : ''}${s.inverse ? 'r' : ''}`;
}

export class AnsiParser {
  private style: AnsiStyle = {};
  private pending = '';

  push(chunk: string): StyledText[] {
    let input = this.pending + chunk;
    this.pending = '';
    // A CR at the very end may be the first half of a CRLF.
    if (input.endsWith('\r')) {
      this.pending = '\r';
      input = input.slice(0, -1);
    }
    input = input.replace(/\r\n/g, '\n');
    const out: StyledText[] = [];
    const emit = (text: string) => {
      if (text) out.push({ text, style: isPlain(this.style) ? null : this.style });
    };
    let i = 0;
    while (i < input.length) {
      const esc = input.indexOf(ESC, i);
      if (esc < 0) {
        emit(input.slice(i));
        break;
      }
      emit(input.slice(i, esc));
      const end = this.sequenceEnd(input, esc);
      if (end < 0) {
        const rest = input.slice(esc);
        // Incomplete: wait for the rest, unless it is too long to be a real sequence.
        if (rest.length < MAX_PENDING) this.pending = rest + this.pending;
        else emit(rest.slice(1));
        break;
      }
      const seq = input.slice(esc, end);
      if (seq[1] === '[' && seq.endsWith('m')) this.style = applySgr(this.style, seq.slice(2, -1));
      i = end;
    }
    return out;
  }

  /** Index just past the escape sequence starting at `start`, or -1 when it is not complete yet. */
  private sequenceEnd(s: string, start: number): number {
    const kind = s[start + 1];
    if (kind === undefined) return -1;
    if (kind === '[') {
      for (let j = start + 2; j < s.length; j++) {
        const c = s.charCodeAt(j);
        if (c >= 0x40 && c <= 0x7e) return j + 1;
        if (c < 0x20 || c > 0x3f) return j; // malformed: drop what came before
      }
      return -1;
    }
    if (kind === ']') {
      for (let j = start + 2; j < s.length; j++) {
        if (s[j] === '\x07') return j + 1;
        if (s[j] === ESC && s[j + 1] === '\\') return j + 2;
        if (s[j] === ESC && j + 1 >= s.length) return -1;
      }
      return -1;
    }
    // ESC, intermediates (0x20–0x2F, e.g. the `(` of a charset switch), then one final byte.
    let j = start + 1;
    while (j < s.length && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
    return j < s.length ? j + 1 : -1;
  }
}
