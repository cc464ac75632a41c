/** What a shimmed command sees of the WinRS command it runs as: its streams, identity and abort. */
import type { Writable } from 'node:stream';
import type { ProcessGroups } from './processes.ts';

export type OutputStreamName = 'stdout' | 'stderr';

export interface CommandIO {
  /** `<computername lower-case>\<user lower-case>`, what whoami prints. */
  readonly identity: string;
  readonly computerName: string;
  /** Shell code page: 65001 makes text output UTF-8; any other page replaces non-ASCII with '?'. */
  readonly codepage: number;
  /** Environment for child processes (the server's, plus rsp:Environment of the shell). */
  readonly env: Readonly<Record<string, string>>;
  /** Current directory the command starts in, a Windows path; the user's profile when unset. */
  readonly cwd?: string | undefined;
  readonly stdin: StdinPipe;
  readonly processes: ProcessGroups;
  /** Aborted by Signal terminate/ctrl_c and by shell Delete; children are killed by ProcessGroups. */
  readonly abort: AbortSignal;
  /** Queues output for Receive; false when the queue is over its limit (then wait for drained()). */
  write(stream: OutputStreamName, data: Buffer): boolean;
  /** Resolves once Receive has taken the queue below its limit. */
  drained(): Promise<void>;
}

/**
 * The io of a process started with environment `env` in directory `cwd` (a Windows path). The
 * io objects of the server and the SSH shim are plain objects, so a copy keeps their functions.
 */
export function withProcess(io: CommandIO, env: Readonly<Record<string, string>>, cwd: string): CommandIO {
  return { ...io, env, cwd };
}

/** Encodes text the way a console with the shell's code page would. */
export function encodeText(io: CommandIO, text: string): Buffer {
  if (io.codepage === 65001) return Buffer.from(text, 'utf8');
  return Buffer.from(text.replace(/[^\p{ASCII}]/gu, '?'), 'latin1');
}

export function writeText(io: CommandIO, stream: OutputStreamName, text: string): void {
  if (text !== '') io.write(stream, encodeText(io, text));
}

/**
 * stdin of a command as WinRS Send delivers it: buffered until a consumer attaches (a child
 * process, or the PowerShell shim reading its script), then forwarded; `End="true"` closes it.
 */
export class StdinPipe {
  #chunks: Buffer[] = [];
  #ended = false;
  #target: Writable | undefined;
  #waiters: Array<() => void> = [];

  get ended(): boolean {
    return this.#ended;
  }

  push(data: Buffer, end: boolean): void {
    if (this.#ended) return;
    if (data.length > 0) {
      if (this.#target) this.#target.write(data);
      else this.#chunks.push(data);
    }
    if (end) {
      this.#ended = true;
      this.#target?.end();
    }
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Forwards everything (buffered and future) to a child's stdin. */
  attach(target: Writable): void {
    // A child that exits without reading its stdin must not crash the server with EPIPE.
    target.on('error', () => {});
    this.#target = target;
    for (const c of this.#chunks.splice(0)) target.write(c);
    if (this.#ended) target.end();
  }

  detach(): void {
    this.#target = undefined;
  }

  /**
   * The next line (without its LF or CR LF) as it arrives; the rest after End when it has no
   * line break; null once stdin ended (or on abort). A lone CR does not end a line here.
   */
  async readLine(abort: AbortSignal): Promise<Buffer | null> {
    for (;;) {
      const at = this.#chunks.findIndex((c) => c.includes(10));
      if (at >= 0) {
        const head = this.#chunks.splice(0, at + 1);
        const last = head.pop() as Buffer;
        const cut = last.indexOf(10);
        if (cut + 1 < last.length) this.#chunks.unshift(last.subarray(cut + 1));
        const line = Buffer.concat([...head, last.subarray(0, cut)]);
        return line.at(-1) === 13 ? line.subarray(0, -1) : line;
      }
      if (this.#ended || abort.aborted) {
        return this.#chunks.length > 0 && !abort.aborted ? Buffer.concat(this.#chunks.splice(0)) : null;
      }
      await this.#next(abort);
    }
  }

  #next(abort: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        abort.removeEventListener('abort', done);
        resolve();
      };
      this.#waiters.push(done);
      abort.addEventListener('abort', done, { once: true });
    });
  }

  /** Everything sent until End, or what was sent before the abort. */
  async readAll(abort: AbortSignal): Promise<Buffer> {
    while (!this.#ended && !abort.aborted) await this.#next(abort);
    return Buffer.concat(this.#chunks.splice(0));
  }
}
