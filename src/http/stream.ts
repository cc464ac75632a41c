/**
 * The live stream: a browser subscribes to runs and receives their events in order, then
 * snapshots of the run after status changes. A subscriber's cursor (last seq per execution)
 * is what makes resume exact: every read is "events after the cursor", never "recent events".
 */
import type { WebSocket } from 'ws';
import { listRunEvents } from '../db/events.ts';
import { getRun } from '../db/runs.ts';
import type { Scope } from '../domain/projects.ts';
import type { App, HttpDeps } from './app.ts';
import type { ClientMessage, ServerMessage } from './stream-protocol.ts';

const PAGE = 200;
/** Stop reading from the database while this much is waiting to be sent to the client. */
const HIGH_WATER = 4 * 1024 * 1024;
const MAX_SUBSCRIPTIONS = 50;
/** After a failed read (database unreachable), the next attempt waits this long. */
const RETRY_MS = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class Subscription {
  private running = false;
  private again = false;
  private snapshotDue = true;
  closed = false;

  constructor(
    private readonly deps: HttpDeps,
    private readonly socket: WebSocket,
    /** The caller's projects when they connected: a run outside them is never read. */
    private readonly scope: Scope,
    readonly runId: string,
    private readonly cursor: Record<string, number>,
    readonly off: () => void,
  ) {}

  /** Reads and sends what is new; concurrent calls collapse into one more pass. */
  poke(statusChanged: boolean): void {
    if (statusChanged) this.snapshotDue = true;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.pump().finally(() => {
      this.running = false;
      if (this.again && !this.closed) {
        this.again = false;
        this.poke(false);
      }
    });
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        if (this.closed) return;
        const events = await listRunEvents(this.deps.db, this.runId, this.cursor, PAGE);
        for (const event of events) {
          if (event.seq <= (this.cursor[event.executionId] ?? 0)) continue;
          this.cursor[event.executionId] = event.seq;
          send(this.socket, { type: 'event', runId: this.runId, event });
        }
        if (events.length < PAGE) break;
        await drained(this.socket);
      }
      if (this.snapshotDue) {
        this.snapshotDue = false;
        const run = await getRun(this.deps.db, this.scope, this.runId);
        if (run) send(this.socket, { type: 'run', run });
      }
    } catch (error) {
      this.deps.log.warn({ run: this.runId, err: String(error) }, 'stream read failed');
      // Try again in a while (the database may be restarting), not in a tight loop; the
      // snapshot is sent once a read succeeds.
      this.snapshotDue = true;
      setTimeout(() => {
        if (!this.closed) this.poke(false);
      }, RETRY_MS).unref();
    }
  }
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

async function drained(socket: WebSocket): Promise<void> {
  while (socket.readyState === socket.OPEN && socket.bufferedAmount > HIGH_WATER) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

function parse(raw: unknown): ClientMessage | null {
  try {
    const m = JSON.parse(String(raw)) as Partial<ClientMessage> & { after?: unknown };
    if (
      (m.type !== 'subscribe' && m.type !== 'unsubscribe') ||
      typeof m.runId !== 'string' ||
      !UUID.test(m.runId)
    ) {
      return null;
    }
    if (m.type === 'unsubscribe') return { type: 'unsubscribe', runId: m.runId };
    const after: Record<string, number> = {};
    if (m.after && typeof m.after === 'object') {
      for (const [k, v] of Object.entries(m.after)) {
        if (UUID.test(k) && Number.isInteger(v) && (v as number) >= 0) after[k] = v as number;
      }
    }
    return { type: 'subscribe', runId: m.runId, after };
  } catch {
    return null;
  }
}

export function streamRoutes(app: App, deps: HttpDeps): void {
  app.get(
    '/stream',
    {
      websocket: true,
      schema: { tags: ['runs'], summary: 'WebSocket: live run events (see stream-protocol)', hide: false },
    },
    (socket, request) => {
      const scope = request.scope;
      const subs = new Map<string, Subscription>();
      const offReconnect = deps.hub.onReconnect(() => {
        for (const s of subs.values()) s.poke(true);
      });
      const drop = (runId: string) => {
        const s = subs.get(runId);
        if (!s) return;
        s.closed = true;
        s.off();
        subs.delete(runId);
      };
      socket.on('message', async (raw) => {
        const message = parse(raw);
        if (!message) {
          send(socket, {
            type: 'error',
            message: 'expected {"type":"subscribe","runId":"<uuid>","after":{...}}',
          });
          return;
        }
        drop(message.runId);
        if (message.type === 'unsubscribe') return;
        if (subs.size >= MAX_SUBSCRIPTIONS) {
          send(socket, { type: 'error', message: `at most ${MAX_SUBSCRIPTIONS} runs per connection` });
          return;
        }
        // The same answer for a run of another project as for no run: its existence is not told.
        if (!(await getRun(deps.db, scope, message.runId).catch(() => undefined))) {
          send(socket, { type: 'error', message: `run ${message.runId} does not exist` });
          return;
        }
        let sub: Subscription | null = null;
        const off = deps.hub.onRun(message.runId, (s) => sub?.poke(s.status));
        sub = new Subscription(deps, socket, scope, message.runId, { ...message.after }, off);
        subs.set(message.runId, sub);
        sub.poke(true);
      });
      socket.on('close', () => {
        offReconnect();
        for (const id of [...subs.keys()]) drop(id);
      });
    },
  );
}
