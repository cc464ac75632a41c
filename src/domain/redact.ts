/**
 * Masks secret values in a stream of text chunks, including a secret split across two chunks:
 * the tail that could still be the start of a secret is held back until the next chunk.
 */
export const MASK = '***';

export class StreamRedactor {
  private readonly secrets: string[];
  private readonly keep: number;
  private carry = '';

  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret that contains another is masked whole; tiny values would mask noise.
    this.secrets = [...new Set([...secrets].filter((s) => s.length >= 3))].sort(
      (a, b) => b.length - a.length,
    );
    this.keep = Math.max(0, ...this.secrets.map((s) => s.length - 1));
  }

  /** Returns the text that is safe to emit now. */
  push(chunk: string): string {
    if (this.secrets.length === 0) return chunk;
    const text = this.mask(this.carry + chunk);
    const hold = this.holdBack(text);
    this.carry = text.slice(text.length - hold);
    return text.slice(0, text.length - hold);
  }

  /** Emits whatever was held back; call at end of stream. */
  flush(): string {
    const out = this.carry;
    this.carry = '';
    return out;
  }

  private mask(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(MASK);
    return out;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some secret. */
  private holdBack(text: string): number {
    for (let n = Math.min(this.keep, text.length); n > 0; n--) {
      const tail = text.slice(text.length - n);
      if (this.secrets.some((s) => s.startsWith(tail))) return n;
    }
    return 0;
  }
}

/** Masks secrets in a single complete string (messages, errors). */
export function redact(text: string, secrets: Iterable<string>): string {
  const r = new StreamRedactor(secrets);
  return r.push(text) + r.flush();
}
