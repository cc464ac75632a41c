// PowerShell run non-interactively over WinRS writes its error stream as CLIXML
// (`#< CLIXML` then `<Objs>…</Objs>`); this turns it back into the text a console would show.
import { parseXml, type XmlElement, XmlParseError } from '../winrm/xml.ts';

const HEADER = '#< CLIXML';
const OBJS_END = '</Objs>';

/** `_xHHHH_` is XmlConvert's escape for characters XML cannot carry (CR, LF, control characters, `_x` itself). */
function unescapeClixml(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4}|[0-9A-Fa-f]{8})_/g, (_, hex: string) => {
    const code = Number.parseInt(hex, 16);
    if (hex.length === 4) return String.fromCharCode(code);
    return code <= 0x10ffff ? String.fromCodePoint(code) : `_x${hex}_`;
  });
}

// Console-style prefixes for the non-error streams PowerShell may serialize alongside errors.
const STREAM_PREFIX: Readonly<Record<string, string>> = {
  error: '',
  warning: 'WARNING: ',
  verbose: 'VERBOSE: ',
  debug: 'DEBUG: ',
  information: '',
};

function renderObjs(objs: XmlElement): string {
  let out = '';
  for (const el of objs.children) {
    if (el.name === 'S') {
      const prefix = STREAM_PREFIX[(el.attrs.S ?? '').toLowerCase()] ?? '';
      const line = unescapeClixml(el.text);
      out += prefix && line.length > 0 ? prefix + line : line;
    } else if (el.name === 'Obj' && (el.attrs.S ?? '').toLowerCase() !== 'progress') {
      // Other serialized records (e.g. information) carry their console form in <ToString>.
      const str = el.children.find((c) => c.name === 'ToString');
      if (str) out += `${unescapeClixml(str.text)}\r\n`;
    }
  }
  return out;
}

/** Renders one `<Objs>` document, or returns it unchanged when it does not parse (stderr is never lost). */
function renderDocument(doc: string): string {
  try {
    const root = parseXml(doc);
    return root.name === 'Objs' ? renderObjs(root) : doc;
  } catch (err) {
    if (err instanceof XmlParseError) return doc;
    throw err;
  }
}

/**
 * Streaming CLIXML stderr decoder. Stderr that does not start with `#< CLIXML` passes through
 * unchanged; otherwise each complete `<Objs>` document is decoded as it arrives (a stream may
 * carry several `#< CLIXML` blocks), and text between documents passes through.
 */
export class ClixmlStderrDecoder {
  private mode: 'detect' | 'plain' | 'clixml' = 'detect';
  private buffer = '';
  /** Just after `</Objs>`: its line break belongs to the document, not to the text that follows. */
  private afterDocument = false;

  /** Feeds a chunk of stderr text; returns whatever can be shown now. */
  push(chunk: string): string {
    if (this.mode === 'plain') return chunk;
    this.buffer += chunk;
    if (this.mode === 'detect') {
      if (this.buffer.startsWith(HEADER)) {
        this.mode = 'clixml';
      } else if (HEADER.startsWith(this.buffer)) {
        return ''; // still could be the header
      } else {
        this.mode = 'plain';
        return this.take(this.buffer.length);
      }
    }
    return this.drain(false);
  }

  /** Flushes the rest at end of stream; an unfinished document is passed on as it is. */
  end(): string {
    if (this.mode !== 'clixml') return this.take(this.buffer.length);
    return this.drain(true);
  }

  private take(n: number): string {
    const out = this.buffer.slice(0, n);
    this.buffer = this.buffer.slice(n);
    return out;
  }

  private drain(final: boolean): string {
    let out = '';
    for (;;) {
      if (this.afterDocument) {
        if (this.buffer === '' || (this.buffer === '\r' && !final)) break;
        this.buffer = this.buffer.replace(/^\r?\n/, '');
        this.afterDocument = false;
      }
      if (this.buffer.startsWith(HEADER)) {
        const rest = this.buffer.slice(HEADER.length);
        // Wait for the header's line break, which may arrive in the next chunk.
        if (!final && (rest === '' || rest === '\r')) break;
        this.buffer = rest.replace(/^\r?\n/, '');
        continue;
      }
      if (this.buffer.startsWith('<Objs')) {
        const end = this.buffer.indexOf(OBJS_END);
        if (end < 0) {
          if (final) out += this.take(this.buffer.length);
          break;
        }
        out += renderDocument(this.take(end + OBJS_END.length));
        this.afterDocument = true;
        continue;
      }
      // Text between documents passes on; whitespace-only separators are dropped. Without a marker in
      // sight, keep a tail that could start one, and hold whitespace until we know what follows it.
      const next = nextMarker(this.buffer);
      if (next !== undefined) {
        const text = this.take(next);
        if (text.trim() !== '') out += text;
        continue;
      }
      const n = this.buffer.length - (final ? 0 : partialMarkerLength(this.buffer));
      const text = this.buffer.slice(0, n);
      if (text.trim() !== '') out += this.take(n);
      else if (final) this.take(n);
      break;
    }
    return out;
  }
}

function nextMarker(text: string): number | undefined {
  const positions = [text.indexOf(HEADER), text.indexOf('<Objs')].filter((i) => i >= 0);
  return positions.length > 0 ? Math.min(...positions) : undefined;
}

/** Length of the longest suffix of `text` that is a proper prefix of a marker. */
function partialMarkerLength(text: string): number {
  for (let n = Math.min(text.length, HEADER.length - 1); n > 0; n--) {
    const tail = text.slice(-n);
    if (HEADER.startsWith(tail) || '<Objs'.startsWith(tail)) return n;
  }
  return 0;
}

/** Decodes a whole CLIXML stderr text (see {@link ClixmlStderrDecoder}); other text is returned unchanged. */
export function decodeClixml(text: string): string {
  const decoder = new ClixmlStderrDecoder();
  return decoder.push(text) + decoder.end();
}
