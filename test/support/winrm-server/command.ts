/** One WinRS command: its shimmed execution, the output queue Receive drains, and its stdin. */
import { randomUUID } from 'node:crypto';
import { runShimCommand, type ShimOptions } from './shim/index.ts';
import { type CommandIO, type OutputStreamName, StdinPipe } from './shim/io.ts';
import { CTRL_C_EXIT, ProcessGroups } from './shim/processes.ts';

/** Above this much unreceived output the child's pipes are paused, as WinRS stops reading them. */
const QUEUE_LIMIT = 1024 * 1024;

export interface OutputChunk {
  readonly stream: OutputStreamName;
  readonly data: Buffer;
}

export interface CommandSetup {
  readonly commandLine: string;
  readonly identity: string;
  readonly computerName: string;
  readonly codepage: number;
  readonly env: Readonly<Record<string, string>>;
  readonly shim: ShimOptions;
}

export class WinrsCommand {
  readonly id = randomUUID().toUpperCase();
  readonly stdin = new StdinPipe();
  readonly processes = new ProcessGroups();
  /** Set when the command finished; Receive reports Done once the queue is empty too. */
  exitCode: number | undefined;
  readonly #queue: OutputChunk[] = [];
  #queued = 0;
  readonly #abort = new AbortController();
  #ctrlC = false;
  #waiters = new Set<() => void>();
  #drainWaiters: Array<() => void> = [];

  constructor(setup: CommandSetup) {
    const io: CommandIO = {
      identity: setup.identity,
      computerName: setup.computerName,
      codepage: setup.codepage,
      env: setup.env,
      stdin: this.stdin,
      processes: this.processes,
      abort: this.#abort.signal,
      write: (stream, data) => this.#push(stream, data),
      drained: () => new Promise((resolve) => this.#drainWaiters.push(resolve)),
    };
    void runShimCommand(io, setup.commandLine, setup.shim)
      .catch((e: unknown) => {
        this.#push('stderr', Buffer.from(`orca WinRM test shim failed: ${String(e)}\r\n`));
        return 1;
      })
      .then((code) => {
        this.exitCode = this.#ctrlC ? CTRL_C_EXIT : code;
        this.#wake();
      });
  }

  get aborted(): boolean {
    return this.#abort.signal.aborted;
  }

  #push(stream: OutputStreamName, data: Buffer): boolean {
    if (data.length === 0) return true;
    this.#queue.push({ stream, data });
    this.#queued += data.length;
    this.#wake();
    return this.#queued < QUEUE_LIMIT;
  }

  #wake(): void {
    for (const w of this.#waiters) w();
    this.#waiters.clear();
  }

  /** Resolves when output is queued or the command finished, or after `ms`. */
  async waitForOutput(ms: number): Promise<void> {
    if (this.#queue.length > 0 || this.exitCode !== undefined) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  get hasOutput(): boolean {
    return this.#queue.length > 0;
  }

  /** Takes up to `maxBytes` of queued output (at least one chunk's worth, split if needed). */
  take(maxBytes: number): { chunks: OutputChunk[]; done: boolean } {
    const chunks: OutputChunk[] = [];
    let budget = maxBytes;
    while (this.#queue.length > 0 && budget > 0) {
      const head = this.#queue[0] as OutputChunk;
      if (head.data.length <= budget) {
        chunks.push(head);
        this.#queue.shift();
        budget -= head.data.length;
      } else {
        chunks.push({ stream: head.stream, data: head.data.subarray(0, budget) });
        this.#queue[0] = { stream: head.stream, data: head.data.subarray(budget) };
        budget = 0;
      }
    }
    this.#queued -= maxBytes - budget;
    if (this.#queued < QUEUE_LIMIT) for (const w of this.#drainWaiters.splice(0)) w();
    return { chunks, done: this.exitCode !== undefined && this.#queue.length === 0 };
  }

  /** WinRS terminate, shell Delete or server close: kill the whole process tree now. */
  terminate(): void {
    this.#abort.abort();
    this.processes.signalAll('SIGKILL');
    this.stdin.push(Buffer.alloc(0), true);
    for (const w of this.#drainWaiters.splice(0)) w();
  }

  /** Ctrl+C ends the command (children are killed) with Windows' STATUS_CONTROL_C_EXIT. */
  ctrlC(): void {
    if (this.exitCode !== undefined) return;
    this.#ctrlC = true;
    this.processes.signalAll('SIGINT');
    this.#abort.abort();
  }
}
