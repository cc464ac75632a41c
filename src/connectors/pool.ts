/**
 * Sessions kept open per worker and shared: executions to the same host reuse one connection
 * (SSH multiplexes channels) instead of paying a handshake each. Idle sessions close after a while.
 */
import type { Session } from './connector.ts';

interface Entry {
  readonly session: Promise<Session>;
  users: number;
  idleTimer: NodeJS.Timeout | null;
}

export interface PoolOptions {
  /** Close a session nobody used for this long. */
  readonly idleMs: number;
  /** Concurrent users of one session (OpenSSH allows 10 channels per connection by default). */
  readonly maxUsers: number;
}

export class SessionPool {
  private readonly entries = new Map<string, Entry[]>();
  private closed = false;

  constructor(private readonly options: PoolOptions = { idleMs: 30_000, maxUsers: 8 }) {}

  /**
   * Runs `fn` with a session for `key` (which must change whenever the address, user, secret or
   * expected host key changes), opening one with `open` if none is free.
   */
  async use<T>(key: string, open: () => Promise<Session>, fn: (session: Session) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the session pool is closed');
    const entry = await this.acquire(key, open);
    try {
      return await fn(await entry.session);
    } finally {
      this.release(key, entry);
    }
  }

  private async acquire(key: string, open: () => Promise<Session>): Promise<Entry> {
    const list = this.entries.get(key) ?? [];
    this.entries.set(key, list);
    for (const entry of list) {
      if (entry.users >= this.options.maxUsers) continue;
      const session = await entry.session.catch(() => null);
      if (!session?.alive) {
        this.drop(key, entry);
        continue;
      }
      this.take(entry);
      return entry;
    }
    const entry: Entry = { session: open(), users: 0, idleTimer: null };
    this.take(entry);
    list.push(entry);
    // A failed open is not kept: the next user tries afresh.
    entry.session.catch(() => this.drop(key, entry));
    return entry;
  }

  private take(entry: Entry): void {
    entry.users++;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
  }

  private release(key: string, entry: Entry): void {
    entry.users--;
    if (entry.users > 0) return;
    entry.idleTimer = setTimeout(() => this.drop(key, entry), this.options.idleMs);
    entry.idleTimer.unref();
  }

  private drop(key: string, entry: Entry): void {
    const list = this.entries.get(key);
    const i = list?.indexOf(entry) ?? -1;
    if (list && i >= 0) list.splice(i, 1);
    if (list?.length === 0) this.entries.delete(key);
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    void entry.session.then((s) => s.close()).catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.entries.entries()].flatMap(([key, list]) => list.map((e) => [key, e] as const));
    for (const [key, entry] of all) this.drop(key, entry);
    await Promise.all(all.map(([, e]) => e.session.then((s) => s.close()).catch(() => {})));
  }
}
