/**
 * Finds and removes the `<marker>=<pid>\n` line (or `\r\n`, from Windows) that the command
 * wrapper prints first on stdout.
 * Whatever a shell start-up file printed before it is passed through. Pure.
 */

/** Stop looking after this much stdout: the shell is not a POSIX one, or the marker was lost. */
const SEARCH_LIMIT = 64 * 1024;

export class PidMarkerParser {
  private readonly marker: Buffer;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private searching = true;
  /** The remote shell's PID once seen; null until then, or forever if never found. */
  pid: number | null = null;

  constructor(marker: string) {
    this.marker = Buffer.from(`${marker}=`, 'latin1');
  }

  /** True once the marker was found or given up on; later chunks pass straight through. */
  get settled(): boolean {
    return !this.searching;
  }

  /** Takes a stdout chunk and returns the bytes to deliver now (possibly none). */
  feed(chunk: Buffer): Buffer {
    if (!this.searching) return chunk;
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    const all = this.held.length === 1 ? chunk : Buffer.concat(this.held, this.heldBytes);
    this.held = [all];
    const start = all.indexOf(this.marker);
    const end = start < 0 ? -1 : all.indexOf(0x0a, start + this.marker.length);
    if (end >= 0) {
      const from = start + this.marker.length;
      const to = end > from && all[end - 1] === 0x0d ? end - 1 : end;
      const digits = all.toString('latin1', from, to);
      if (/^[0-9]{1,10}$/.test(digits)) this.pid = Number(digits);
      return this.release(Buffer.concat([all.subarray(0, start), all.subarray(end + 1)]));
    }
    if (this.heldBytes > SEARCH_LIMIT) return this.release(all);
    return EMPTY;
  }

  /** At the end of stdout: returns whatever is still held back. */
  end(): Buffer {
    if (!this.searching) return EMPTY;
    return this.release(Buffer.concat(this.held, this.heldBytes));
  }

  private release(bytes: Buffer): Buffer {
    this.searching = false;
    this.held = [];
    this.heldBytes = 0;
    return bytes;
  }
}

const EMPTY = Buffer.alloc(0);
