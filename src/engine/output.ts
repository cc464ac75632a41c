/**
 * Turns a host's raw output into stored, masked, capped events: decodes UTF-8 per stream (a
 * character split across chunks stays whole), masks secrets (also when split), coalesces small
 * chunks, and writes in batches. `write` applies back-pressure so memory stays bounded however
 * fast the host talks and however slow the database is.
 *
 * When the store fails with an error `retryable` accepts (the database restarted), the batch is
 * written again until it goes through, and the host is not held back meanwhile: up to
 * `highWaterBytes` wait in memory, what comes beyond is dropped, and a `system` event (the gap
 * marker, see `gapMessage`) takes its place in the sequence once output is accepted again.
 */
import type { OutputStream } from '../connectors/connector.ts';
import { StreamRedactor } from '../domain/redact.ts';

export interface RecordedEvent {
  readonly seq: number;
  readonly kind: 'stdout' | 'stderr' | 'status' | 'system';
  readonly data: string;
  /** The job step the event belongs to; null outside steps (and in ad-hoc runs). */
  readonly step: number | null;
}

export interface OutputSink {
  /**
   * Stores a batch durably (and tells listeners); events arrive in sequence order. `last`: the
   * batch written by close(), after which the caller announces the execution's end itself.
   */
  write(events: readonly RecordedEvent[], last: boolean): Promise<void>;
}

export interface RecorderOptions {
  readonly firstSeq: number;
  readonly limitBytes: number;
  readonly secrets: readonly string[];
  /** Flush after this long even if the batch is small. */
  readonly flushMs?: number;
  /** Flush as soon as this many bytes are pending. */
  readonly batchBytes?: number;
  /** `write` waits for a flush when more than this many bytes are pending. */
  readonly highWaterBytes?: number;
  /** Store failures to try again (default: none, the first failure is final). */
  readonly retryable?: (error: unknown) => boolean;
  /** Keep trying a failing store this long before the failure is final (default 10 minutes). */
  readonly retryForMs?: number;
  /** Pause before the first retry, doubled up to 2 s (default 200 ms). */
  readonly retryDelayMs?: number;
}

/** The text of the event that stands where output was dropped while the store was failing. */
export function gapMessage(bytes: number): string {
  return `output lost: ${bytes} bytes were dropped while the database was unreachable`;
}

const MAX_EVENT_CHARS = 32 * 1024;

class StreamState {
  readonly decoder = new TextDecoder('utf-8');
  constructor(readonly redactor: StreamRedactor) {}
}

export class OutputRecorder {
  private seq: number;
  private pending: RecordedEvent[] = [];
  private pendingBytes = 0;
  /** Bytes in batches handed to the sink and not yet written. */
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private readonly streams: Record<OutputStream, StreamState>;
  /** Bytes received from the host (before masking). */
  outputBytes = 0;
  /** Bytes dropped after the limit was reached. */
  truncatedBytes = 0;
  /** Bytes dropped while the store was failing (each span marked by a gap event). */
  lostBytes = 0;
  /** Dropped bytes not yet marked in the sequence. */
  private gapBytes = 0;
  /** A store is failing and being retried: the host is not held back, overflow is dropped. */
  private storeDown = false;
  /** Resolves the producers waiting for a flush when the store goes down. */
  private wakeOnDown: (() => void)[] = [];
  private currentStep: number | null = null;

  constructor(
    private readonly sink: OutputSink,
    private readonly options: RecorderOptions,
  ) {
    this.seq = options.firstSeq;
    this.streams = {
      stdout: new StreamState(new StreamRedactor(options.secrets)),
      stderr: new StreamState(new StreamRedactor(options.secrets)),
    };
  }

  /** Accepts a chunk; the returned promise resolves when more may be sent. */
  write(stream: OutputStream, chunk: Buffer): Promise<void> | undefined {
    let bytes = chunk;
    const room = this.options.limitBytes - this.outputBytes;
    if (room <= 0) {
      this.truncatedBytes += chunk.length;
      return undefined;
    }
    if (bytes.length > room) {
      this.truncatedBytes += bytes.length - room;
      bytes = bytes.subarray(0, room);
    }
    if (this.storeDown && this.backlog() + bytes.length > this.highWater()) {
      this.gapBytes += bytes.length;
      this.lostBytes += bytes.length;
      return undefined;
    }
    if (this.gapBytes > 0) this.markGap();
    this.outputBytes += bytes.length;
    const s = this.streams[stream];
    this.append(stream, s.redactor.push(s.decoder.decode(bytes, { stream: true })));
    return this.pressure();
  }

  /** Events from now on belong to this step (null: to none). Output written before stays with the previous one. */
  setStep(step: number | null): void {
    this.flushStreams();
    this.currentStep = step;
  }

  /** A status change or a message from orca itself, in the same sequence as the output. */
  event(kind: 'status' | 'system', data: string): void {
    this.flushStreams();
    this.pending.push({ seq: this.seq++, kind, data, step: this.currentStep });
    this.pendingBytes += data.length;
    this.schedule();
  }

  /** Ends the streams, notes any truncation, and stores everything. */
  async close(): Promise<void> {
    this.flushStreams();
    if (this.gapBytes > 0) this.markGap();
    if (this.truncatedBytes > 0) {
      this.event(
        'system',
        `output truncated: ${this.truncatedBytes} bytes over the ${this.options.limitBytes}-byte limit were dropped`,
      );
    }
    await this.flush(true);
  }

  private flushStreams(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const s = this.streams[stream];
      this.append(stream, s.redactor.push(s.decoder.decode()) + s.redactor.flush());
    }
  }

  private append(kind: OutputStream, text: string): void {
    if (!text) return;
    const last = this.pending.at(-1);
    if (
      last &&
      last.kind === kind &&
      last.step === this.currentStep &&
      last.data.length + text.length <= MAX_EVENT_CHARS
    ) {
      this.pending[this.pending.length - 1] = { ...last, data: last.data + text };
    } else {
      for (let i = 0; i < text.length; i += MAX_EVENT_CHARS) {
        this.pending.push({
          seq: this.seq++,
          kind,
          data: text.slice(i, i + MAX_EVENT_CHARS),
          step: this.currentStep,
        });
      }
    }
    this.pendingBytes += text.length;
    this.schedule();
  }

  private schedule(): void {
    // A failed flush is reported to the producer (pressure) and to close(), not here: an
    // unobserved rejection would end the process.
    if (this.pendingBytes >= (this.options.batchBytes ?? 256 * 1024)) {
      this.flush().catch(() => {});
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush().catch(() => {}), this.options.flushMs ?? 100);
    }
  }

  private markGap(): void {
    const bytes = this.gapBytes;
    this.gapBytes = 0;
    this.event('system', gapMessage(bytes));
  }

  private backlog(): number {
    return this.pendingBytes + this.queuedBytes;
  }

  private highWater(): number {
    return this.options.highWaterBytes ?? 1024 * 1024;
  }

  private pressure(): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    if (this.storeDown || this.backlog() <= this.highWater()) return undefined;
    // Wait for the store, unless it goes down meanwhile: then overflow is dropped instead.
    let wake = () => {};
    const down = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.wakeOnDown.push(wake);
    return Promise.race([this.flush(), down]).finally(() => {
      const i = this.wakeOnDown.indexOf(wake);
      if (i >= 0) this.wakeOnDown.splice(i, 1);
    });
  }

  /** Writes one batch, again and again while the store fails in a way worth retrying. */
  private async store(batch: readonly RecordedEvent[], last: boolean): Promise<void> {
    const until = Date.now() + (this.options.retryForMs ?? 10 * 60_000);
    let delay = this.options.retryDelayMs ?? 200;
    for (;;) {
      try {
        await this.sink.write(batch, last);
        this.storeDown = false;
        return;
      } catch (e) {
        if (!this.options.retryable?.(e) || Date.now() + delay > until) throw e;
        if (!this.storeDown) {
          this.storeDown = true;
          for (const wake of this.wakeOnDown.splice(0)) wake();
        }
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 2000);
      }
    }
  }

  /** Writes what is pending; batches are written one after another, never concurrently. */
  flush(last = false): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.queuedBytes += bytes;
    this.flushing = this.flushing.then(async () => {
      try {
        if (batch.length > 0 && !this.failure) await this.store(batch, last);
      } catch (e) {
        this.failure = e;
      } finally {
        this.queuedBytes -= bytes;
      }
    });
    return this.flushing.then(() => {
      if (this.failure) throw this.failure;
    });
  }
}
