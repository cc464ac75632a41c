/**
 * One execution's output as styled segments, bounded in size: once it passes the cap by a margin,
 * the oldest text is dropped (at a line break where possible) so that long outputs stay cheap to
 * render. Adjacent text of the same stream and style is merged into one segment.
 */
import { AnsiParser, type AnsiStyle, styleKey } from './ansi.ts';

export type SegmentKind = 'stdout' | 'stderr' | 'system';

export interface Segment {
  /** Stable for React keys; a merged segment keeps the id of its first piece. */
  readonly id: number;
  readonly kind: SegmentKind;
  readonly text: string;
  readonly style: AnsiStyle | null;
}

export interface OutputView {
  readonly segments: readonly Segment[];
  /** Characters dropped from the front to respect the cap. */
  readonly dropped: number;
}

/** About 200 KB of text per host on screen. */
export const DEFAULT_CAP = 200 * 1024;

export class OutputBuffer {
  private segments: Segment[] = [];
  private size = 0;
  private dropped = 0;
  private nextId = 1;
  private keys: string[] = [];
  private readonly parsers = { stdout: new AnsiParser(), stderr: new AnsiParser() };
  private view: OutputView | null = null;

  constructor(
    private readonly cap = DEFAULT_CAP,
    /** Trimming waits until the size passes cap × (1 + slack), so it happens rarely. */
    private readonly slack = 0.25,
  ) {}

  append(kind: SegmentKind, data: string): void {
    if (kind === 'system') {
      const line = data.endsWith('\n') ? data : `${data}\n`;
      // A system note starts on its own line.
      const last = this.segments[this.segments.length - 1];
      this.add('system', last && !last.text.endsWith('\n') ? `\n${line}` : line, null);
    } else {
      for (const piece of this.parsers[kind].push(data)) this.add(kind, piece.text, piece.style);
    }
    if (this.size > this.cap * (1 + this.slack)) this.trim();
  }

  /** The same object until something changes, so it can feed React state and memo. */
  snapshot(): OutputView {
    this.view ??= { segments: this.segments.slice(), dropped: this.dropped };
    return this.view;
  }

  get length(): number {
    return this.size;
  }

  private add(kind: SegmentKind, text: string, style: AnsiStyle | null): void {
    if (!text) return;
    this.view = null;
    this.size += text.length;
    const key = `${kind}|${styleKey(style)}`;
    const lastIndex = this.segments.length - 1;
    const last = this.segments[lastIndex];
    if (last && this.keys[lastIndex] === key) {
      this.segments[lastIndex] = { ...last, text: last.text + text };
      return;
    }
    this.segments.push({ id: this.nextId++, kind, text, style });
    this.keys.push(key);
  }

  private trim(): void {
    let excess = this.size - this.cap;
    let drop = 0;
    while (drop < this.segments.length && (this.segments[drop]?.text.length ?? 0) <= excess) {
      excess -= this.segments[drop]?.text.length ?? 0;
      drop++;
    }
    const removed = this.segments.splice(0, drop);
    this.keys.splice(0, drop);
    for (const s of removed) {
      this.size -= s.text.length;
      this.dropped += s.text.length;
    }
    const first = this.segments[0];
    if (first && excess > 0) {
      // Cut after a line break close to the needed point, so the view starts at a line.
      const nl = first.text.indexOf('\n', excess - 1);
      const cut = nl >= 0 && nl - excess < 4096 ? nl + 1 : excess;
      this.segments[0] = { ...first, text: first.text.slice(cut) };
      this.size -= cut;
      this.dropped += cut;
    }
    this.view = null;
  }
}
