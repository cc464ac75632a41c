/**
 * Delivers output chunks to a consumer one at a time, in arrival order. While the consumer's
 * promise is pending the sources are paused, so a slow consumer holds back the remote command
 * (through the SSH window) instead of letting output pile up in memory.
 */
import type { OutputStream } from '../connector.ts';

export type Deliver = (stream: OutputStream, chunk: Buffer) => void | Promise<void>;

export interface PumpSource {
  pause(): void;
  resume(): void;
}

export class OutputPump {
  private readonly queue: [OutputStream, Buffer][] = [];
  private draining = false;
  private paused = false;
  private discarding = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly deliver: Deliver,
    private readonly sources: readonly PumpSource[],
    /** Called once if the consumer throws or rejects; nothing more is delivered after that. */
    private readonly onError: (error: unknown) => void,
  ) {}

  push(stream: OutputStream, chunk: Buffer): void {
    if (this.discarding || chunk.length === 0) return;
    this.queue.push([stream, chunk]);
    if (!this.draining) void this.drain();
  }

  /** True when nothing is queued or being delivered. */
  get idle(): boolean {
    return !this.draining && this.queue.length === 0;
  }

  /** Resolves once everything pushed so far was delivered. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops queued and future chunks and lets the sources flow, e.g. after the command was killed. */
  discard(): void {
    this.discarding = true;
    this.queue.length = 0;
    this.setPaused(false);
    this.notifyIdle();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next && !this.discarding; next = this.queue.shift()) {
        const pending = this.deliver(next[0], next[1]);
        if (pending) {
          this.setPaused(true);
          await pending;
        }
      }
    } catch (error) {
      this.discard();
      this.onError(error);
    } finally {
      this.draining = false;
      this.setPaused(false);
      this.notifyIdle();
    }
  }

  private setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    for (const source of this.sources) {
      if (paused) source.pause();
      else source.resume();
    }
  }

  private notifyIdle(): void {
    if (!this.idle) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
