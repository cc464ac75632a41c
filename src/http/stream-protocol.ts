/**
 * Messages of the live stream at `/api/v1/stream` (WebSocket, JSON text frames).
 *
 * Each execution's events carry a sequence number that starts at 1 and grows by 1; a client that
 * reconnects subscribes with the last sequence it saw per execution and receives exactly the
 * events after it: no gap, no duplicate. Run state (statuses, exit codes) arrives as whole
 * snapshots, so a reconnecting client needs no history of them.
 *
 * Order: after a status change the server sends the events it has read, then the snapshot; an
 * event stored between those two reads arrives after the snapshot. A client that wants every
 * byte of a finished run keeps listening briefly after a final snapshot, or reads
 * `GET /runs/{id}/log` from its cursor. Events of kind `status` carry JSON:
 * `{ status, exitCode?, failureKind?, message? }`.
 */
import type { LogEvent, RunDetail } from './schemas.ts';

export type ClientMessage =
  | {
      readonly type: 'subscribe';
      readonly runId: string;
      /** Last sequence seen per execution id; omitted executions start from the beginning. */
      readonly after?: Readonly<Record<string, number>>;
    }
  | { readonly type: 'unsubscribe'; readonly runId: string };

export type ServerMessage =
  /** Sent on subscribe and after every status change of the run or one of its executions. */
  | { readonly type: 'run'; readonly run: RunDetail }
  /** Output or status event of one execution, in sequence order per execution. */
  | { readonly type: 'event'; readonly runId: string; readonly event: LogEvent }
  | { readonly type: 'error'; readonly message: string };
