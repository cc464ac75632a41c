/**
 * RC4 stream cipher with state kept across calls, as NTLM sealing requires: one cipher per direction
 * runs over every message and signature of a connection. Written here because Node 20's OpenSSL
 * refuses RC4.
 */
export class Rc4 {
  #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(key: Buffer) {
    if (key.length === 0) throw new RangeError('RC4 key must not be empty');
    const s = this.#s;
    for (let n = 0; n < 256; n++) s[n] = n;
    let j = 0;
    for (let n = 0; n < 256; n++) {
      const sn = s[n]!;
      j = (j + sn + key[n % key.length]!) & 0xff;
      s[n] = s[j]!;
      s[j] = sn;
    }
  }

  /** Encrypts or decrypts (the same operation), advancing the key stream by data.length bytes. */
  update(data: Buffer): Buffer {
    const s = this.#s;
    const out = Buffer.allocUnsafe(data.length);
    let i = this.#i;
    let j = this.#j;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      const si = s[i]!;
      j = (j + si) & 0xff;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      out[n] = data[n]! ^ s[(si + sj) & 0xff]!;
    }
    this.#i = i;
    this.#j = j;
    return out;
  }

  /** A copy of the current state, so a caller can undo an update that turned out to be for a bad message. */
  snapshot(): { restore(): void } {
    const s = Uint8Array.from(this.#s);
    const i = this.#i;
    const j = this.#j;
    return {
      restore: () => {
        this.#s.set(s);
        this.#i = i;
        this.#j = j;
      },
    };
  }
}

/** One-shot RC4 with a fresh key (RC4K in MS-NLMP), e.g. for the encrypted random session key. */
export function rc4(key: Buffer, data: Buffer): Buffer {
  return new Rc4(key).update(data);
}
