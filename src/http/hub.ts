/**
 * A server's ear on the database: one LISTEN per channel, fanned out to the WebSocket
 * subscribers and request handlers of this process. Every server instance has its own, so
 * events reach browsers connected to any of them.
 */
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import type { Logger } from 'pino';
import { Channel } from '../db/events.ts';
import { type Listener, listen } from '../db/listen.ts';

export interface RunSignal {
  readonly run: string;
  readonly status: boolean;
}

export class Hub {
  private readonly emitter = new EventEmitter();
  private listeners: Listener[] = [];

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async start(pool: pg.Pool, log: Logger): Promise<void> {
    this.listeners = await Promise.all([
      listen(
        pool,
        Channel.run,
        (p) => {
          const s = p as Partial<RunSignal>;
          if (typeof s.run === 'string')
            this.emitter.emit(`run:${s.run}`, { run: s.run, status: s.status === true });
        },
        log,
        // Notifications sent while we were disconnected are lost: tell everyone to re-read.
        () => this.emitter.emit('reconnect'),
      ),
      listen(
        pool,
        Channel.hostCheck,
        (p) => {
          const id = (p as { id?: unknown }).id;
          if (typeof id === 'string') this.emitter.emit(`check:${id}`);
        },
        log,
        () => this.emitter.emit('reconnect'),
      ),
    ]);
  }

  onRun(runId: string, fn: (s: RunSignal) => void): () => void {
    this.emitter.on(`run:${runId}`, fn);
    return () => this.emitter.off(`run:${runId}`, fn);
  }

  onReconnect(fn: () => void): () => void {
    this.emitter.on('reconnect', fn);
    return () => this.emitter.off('reconnect', fn);
  }

  /** Resolves when the check is announced done, or after `ms` (callers re-read the row either way). */
  waitForCheck(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(`check:${id}`, done);
        this.emitter.off('reconnect', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.emitter.on(`check:${id}`, done);
      this.emitter.on('reconnect', done);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()));
    this.listeners = [];
    this.emitter.removeAllListeners();
  }
}
