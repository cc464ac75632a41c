/**
 * Follows one run over the live stream (/api/v1/stream): run snapshots and output events, with
 * reconnect and exact resume. The cursor (last seq per execution) is sent on every subscribe, and
 * any event at or below it is dropped, so output is never shown twice.
 */
import { API_BASE } from './http.ts';
import type { LogEvent, RunDetail, StreamClientMessage, StreamServerMessage } from './types.ts';

export type LiveState = 'connecting' | 'open' | 'reconnecting' | 'done' | 'stopped';

/** The part of the browser's WebSocket that LiveRun uses (tests pass a fake). */
export interface SocketLike {
  onopen: (() => void) | null;
  onmessage: ((message: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  onerror: (() => void) | null;
  send(data: string): void;
  close(): void;
}

export interface LiveRunOptions {
  readonly runId: string;
  readonly onRun: (run: RunDetail) => void;
  /** New events only, in order per execution. */
  readonly onEvent: (event: LogEvent) => void;
  readonly onState?: (state: LiveState) => void;
  /** The server refused the subscription (e.g. the run does not exist); no reconnect follows. */
  readonly onError?: (message: string) => void;
  readonly url?: string;
  readonly connect?: (url: string) => SocketLike;
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly random?: () => number;
}

const FINAL = new Set(['succeeded', 'failed', 'canceled']);

export function streamUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${API_BASE}/stream`;
}

/** Exponential backoff with jitter: attempt 0 waits about `initial`, doubling up to `max`. */
export function backoffDelay(attempt: number, initial: number, max: number, random: () => number): number {
  const base = Math.min(max, initial * 2 ** Math.min(attempt, 20));
  return Math.round(base * (0.5 + random() / 2));
}

export class LiveRun {
  private readonly lastSeq = new Map<string, number>();
  private socket: SocketLike | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private state: LiveState = 'stopped';
  private finished = false;

  constructor(private readonly options: LiveRunOptions) {}

  start(): this {
    if (this.state === 'stopped') this.open();
    return this;
  }

  stop(): void {
    this.clearTimer();
    this.setState('stopped');
    this.detach();
  }

  /** Last sequence seen per execution id. */
  cursor(): Record<string, number> {
    return Object.fromEntries(this.lastSeq);
  }

  private open(): void {
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const url = this.options.url ?? streamUrl(window.location);
    const socket = this.options.connect
      ? this.options.connect(url)
      : (new WebSocket(url) as unknown as SocketLike);
    this.socket = socket;
    socket.onopen = () => {
      const subscribe: StreamClientMessage = {
        type: 'subscribe',
        runId: this.options.runId,
        after: this.cursor(),
      };
      socket.send(JSON.stringify(subscribe));
    };
    socket.onmessage = (m) => this.receive(m.data);
    socket.onerror = () => socket.close();
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleReconnect();
    };
  }

  private receive(data: unknown): void {
    let message: StreamServerMessage;
    try {
      message = JSON.parse(String(data)) as StreamServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'run':
        if (message.run.id !== this.options.runId) return;
        this.attempt = 0;
        if (this.state !== 'done') this.setState('open');
        this.options.onRun(message.run);
        if (FINAL.has(message.run.status)) {
          // Events are sent before the snapshot that reports the end, so nothing can follow it.
          this.finished = true;
          this.setState('done');
        }
        return;
      case 'event': {
        if (message.runId !== this.options.runId) return;
        const e = message.event;
        if (e.seq <= (this.lastSeq.get(e.executionId) ?? 0)) return;
        this.lastSeq.set(e.executionId, e.seq);
        this.options.onEvent(e);
        return;
      }
      case 'error':
        this.options.onError?.(message.message);
        this.stop();
        return;
    }
  }

  private scheduleReconnect(): void {
    if (this.state === 'stopped') return;
    if (this.finished) {
      this.setState('done');
      return;
    }
    this.setState('reconnecting');
    const delay = backoffDelay(
      this.attempt++,
      this.options.initialDelayMs ?? 500,
      this.options.maxDelayMs ?? 10_000,
      this.options.random ?? Math.random,
    );
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.state !== 'stopped') this.open();
    }, delay);
  }

  private detach(): void {
    const s = this.socket;
    this.socket = null;
    if (!s) return;
    s.onopen = s.onmessage = s.onerror = s.onclose = null;
    s.close();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private setState(state: LiveState): void {
    if (state === this.state) return;
    this.state = state;
    this.options.onState?.(state);
  }
}
