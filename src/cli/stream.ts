/**
 * Follows a run live over the WebSocket stream until it is final. Survives dropped connections:
 * reconnects with backoff and resubscribes after the last sequence seen per execution, so every
 * event is delivered once, in order. Once the run is final, the stored log fills in anything the
 * stream had not sent yet.
 */
import WebSocket from 'ws';
import { isFinalRun } from '../domain/status.ts';
import type { LogEvent, RunDetail } from '../http/schemas.ts';
import type { ServerMessage } from '../http/stream-protocol.ts';
import type { ApiClient } from './client.ts';
import { CliError, ExitCode } from './io.ts';

/** The last sequence number seen per execution. */
export class Cursor {
  private readonly last: Record<string, number>;

  constructor(initial: Readonly<Record<string, number>> = {}) {
    this.last = { ...initial };
  }

  /** True for an event not seen yet (and remembers it); false for a repeat. */
  accept(e: { readonly executionId: string; readonly seq: number }): boolean {
    if (e.seq <= (this.last[e.executionId] ?? 0)) return false;
    this.last[e.executionId] = e.seq;
    return true;
  }

  get(executionId: string): number {
    return this.last[executionId] ?? 0;
  }

  snapshot(): Record<string, number> {
    return { ...this.last };
  }
}

/** Exponential backoff with up to 25 % jitter: initial, 2×, 4× … capped at max. */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (0.75 + 0.25 * random()));
}

const LOG_PAGE = 1000;

/** Reads a run's stored events after the cursor, execution by execution, page by page. */
export async function drainLog(
  client: ApiClient,
  run: RunDetail,
  cursor: Cursor,
  onEvent: (e: LogEvent) => void,
): Promise<void> {
  for (const ex of run.executions) {
    for (;;) {
      const page = await client.get<{ events: LogEvent[]; more: boolean }>(`/runs/${run.id}/log`, {
        execution: ex.id,
        after: cursor.get(ex.id),
        limit: LOG_PAGE,
      });
      let fresh = 0;
      for (const e of page.events) {
        if (cursor.accept(e)) {
          fresh++;
          onEvent(e);
        }
      }
      if (!page.more || fresh === 0) break;
    }
  }
}

export interface FollowOptions {
  readonly client: ApiClient;
  readonly runId: string;
  /** Where to resume; by default from the first event. */
  readonly cursor?: Cursor;
  readonly onEvent: (e: LogEvent) => void;
  /** Every snapshot of the run (statuses, exit codes). */
  readonly onRun?: (run: RunDetail) => void;
  /** Connection trouble worth telling a person about. */
  readonly onNotice?: (message: string) => void;
  /** Stops following: the promise rejects with an `interrupted` CliError. */
  readonly signal?: AbortSignal;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Give up after being disconnected this long. */
  readonly giveUpMs?: number;
  /** After this much silence, ask over HTTP whether the run ended. */
  readonly pollMs?: number;
}

/** Resolves with the final run once every one of its events has been passed to `onEvent`. */
export function followRun(o: FollowOptions): Promise<RunDetail> {
  const cursor = o.cursor ?? new Cursor();
  const initialMs = o.initialBackoffMs ?? 250;
  const maxMs = o.maxBackoffMs ?? 5000;
  const giveUpMs = o.giveUpMs ?? 120_000;
  const pollMs = o.pollMs ?? 15_000;

  return new Promise<RunDetail>((resolve, reject) => {
    let socket: WebSocket | null = null;
    let done = false;
    let finishing = false;
    let attempt = 0;
    let downSince: number | null = null;
    let noticeShown = false;
    let retry: NodeJS.Timeout | null = null;
    let lastHeard = Date.now();

    const close = () => {
      if (!socket) return;
      const s = socket;
      socket = null;
      s.removeAllListeners();
      s.on('error', () => {});
      s.terminate();
    };
    const cleanup = () => {
      done = true;
      clearInterval(poll);
      if (retry) clearTimeout(retry);
      o.signal?.removeEventListener('abort', onAbort);
      close();
    };
    const fail = (error: unknown) => {
      if (done) return;
      cleanup();
      reject(error);
    };
    const finish = async (run: RunDetail) => {
      if (finishing || done) return;
      finishing = true;
      close();
      try {
        await drainLog(o.client, run, cursor, o.onEvent);
      } catch (error) {
        fail(error);
        return;
      }
      if (done) return;
      cleanup();
      resolve(run);
    };
    const onAbort = () => fail(new CliError('interrupted', ExitCode.interrupted));

    const handle = (text: string) => {
      let m: ServerMessage;
      try {
        m = JSON.parse(text) as ServerMessage;
      } catch {
        return;
      }
      if (m.type === 'event') {
        if (m.runId === o.runId && cursor.accept(m.event)) o.onEvent(m.event);
      } else if (m.type === 'run') {
        if (m.run.id !== o.runId) return;
        o.onRun?.(m.run);
        if (isFinalRun(m.run.status)) void finish(m.run);
      } else if (m.type === 'error') {
        fail(new CliError(`live stream: ${m.message}`));
      }
    };

    const reconnectLater = () => {
      downSince ??= Date.now();
      if (Date.now() - downSince > giveUpMs) {
        fail(
          new CliError(
            `lost the connection to ${o.client.url} for ${Math.round(giveUpMs / 1000)} s; the run goes on: ` +
              `follow it with \`orca logs -f ${o.runId}\``,
          ),
        );
        return;
      }
      if (!noticeShown) {
        noticeShown = true;
        o.onNotice?.('connection to the server lost; reconnecting…');
      }
      retry = setTimeout(connect, backoffDelay(attempt++, initialMs, maxMs));
    };

    function connect(): void {
      retry = null;
      if (done || finishing) return;
      const s = new WebSocket(o.client.streamUrl(), {
        headers: o.client.authHeaders(),
        handshakeTimeout: 10_000,
      });
      socket = s;
      let refused: CliError | null = null;
      s.on('open', () =>
        s.send(JSON.stringify({ type: 'subscribe', runId: o.runId, after: cursor.snapshot() })),
      );
      s.on('message', (raw) => {
        if (socket !== s || done || finishing) return;
        lastHeard = Date.now();
        attempt = 0;
        if (downSince !== null && noticeShown) o.onNotice?.('reconnected');
        downSince = null;
        noticeShown = false;
        handle(String(raw));
      });
      s.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          refused = upgradeRefused(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
          s.terminate();
        });
        res.on('error', () => s.terminate());
      });
      s.on('error', () => {}); // 'close' follows
      s.on('close', () => {
        if (socket !== s || done || finishing) return;
        socket = null;
        if (refused) fail(refused);
        else reconnectLater();
      });
    }

    // A safety net for a stream that went quiet: the run may have ended without us hearing.
    const poll = setInterval(
      async () => {
        if (done || finishing || Date.now() - lastHeard < pollMs) return;
        lastHeard = Date.now();
        try {
          const run = await o.client.get<RunDetail>(`/runs/${o.runId}`);
          if (done || finishing) return;
          o.onRun?.(run);
          if (isFinalRun(run.status)) void finish(run);
        } catch {
          // The reconnect loop decides when to give up.
        }
      },
      Math.max(50, Math.min(pollMs, 5000)),
    );

    if (o.signal?.aborted) {
      onAbort();
      return;
    }
    o.signal?.addEventListener('abort', onAbort);
    connect();
  });
}

/** A refused upgrade: 4xx (bad token, no such route) is final; other answers are worth a retry. */
function upgradeRefused(status: number, body: string): CliError | null {
  if (status < 400 || status >= 500 || status === 408 || status === 429) return null;
  let message = `the server refused the live stream (HTTP ${status})`;
  try {
    const e = (JSON.parse(body) as { error?: { message?: unknown } }).error;
    if (typeof e?.message === 'string') message = `live stream: ${e.message}`;
  } catch {
    // not JSON: keep the status line
  }
  return new CliError(message);
}
