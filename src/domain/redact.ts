/**
 * Masks secret values in a stream of text chunks, including a secret split across two chunks:
 * the tail that could still be the start of a secret is held back until the next chunk.
 */
export const MASK = '***';

export class StreamRedactor {
  private readonly secrets: string[];
  private readonly longest: number;
  /** First characters of the secrets: every other position is passed over at once. */
  private readonly firsts: Set<string>;
  private carry = '';

  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret that contains another is masked whole; tiny values would mask noise.
    this.secrets = [...new Set([...secrets].filter((s) => s.length >= 3))].sort(
      (a, b) => b.length - a.length,
    );
    this.longest = this.secrets[0]?.length ?? 0;
    this.firsts = new Set(this.secrets.map((s) => s[0]!));
  }

  /** Returns the text that is safe to emit now. */
  push(chunk: string): string {
    if (this.secrets.length === 0) return chunk;
    return this.scan(this.carry + chunk, false);
  }

  /** Emits whatever was held back, masked; call at end of stream. */
  flush(): string {
    const text = this.carry;
    this.carry = '';
    return this.secrets.length === 0 ? text : this.scan(text, true);
  }

  /**
   * Leftmost-longest masking. Stops (keeping the rest for the next chunk) at the first position
   * where the text left could still grow into a secret: a secret that is the prefix of a longer
   * one, or one that starts inside another, is decided only once the longer one is known.
   */
  private scan(text: string, end: boolean): string {
    let out = '';
    let from = 0;
    let i = 0;
    while (i < text.length) {
      if (!this.firsts.has(text[i]!)) {
        i++;
        continue;
      }
      if (!end && this.mayGrow(text, i)) break;
      const secret = this.secrets.find((s) => text.startsWith(s, i));
      if (secret === undefined) {
        i++;
        continue;
      }
      out += text.slice(from, i) + MASK;
      i += secret.length;
      from = i;
    }
    this.carry = end ? '' : text.slice(i);
    return out + text.slice(from, i);
  }

  /** Whether the text from `i` on is a proper prefix of some secret. */
  private mayGrow(text: string, i: number): boolean {
    const rest = text.length - i;
    if (rest >= this.longest) return false;
    const tail = text.slice(i);
    return this.secrets.some((s) => s.length > rest && s.startsWith(tail));
  }
}

/** Masks secrets in a single complete string (messages, errors). */
export function redact(text: string, secrets: Iterable<string>): string {
  const r = new StreamRedactor(secrets);
  return r.push(text) + r.flush();
}
