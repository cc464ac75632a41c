/**
 * LISTEN on a dedicated connection that comes back by itself after the database restarts.
 * Notifications may be missed while it is down; `onReconnect` lets callers catch up from rows.
 */

import type pg from 'pg';
import type { Logger } from 'pino';

export interface Listener {
  close(): Promise<void>;
}

export async function listen(
  pool: pg.Pool,
  channel: string,
  onMessage: (payload: unknown) => void,
  log: Logger,
  onReconnect?: () => void,
): Promise<Listener> {
  let client: pg.PoolClient | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = async (first: boolean): Promise<void> => {
    let c: pg.PoolClient | null = null;
    let broken = false;
    try {
      c = await pool.connect();
      const self = c;
      c.on('notification', (msg) => {
        if (msg.channel !== channel || !msg.payload) return;
        try {
          onMessage(JSON.parse(msg.payload));
        } catch {
          log.warn({ channel }, 'ignored a malformed notification');
        }
      });
      c.on('error', () => {
        // pg may report one failure more than once; release the client only once.
        if (broken) return;
        broken = true;
        if (client === self) client = null;
        self.release(true);
        schedule();
      });
      await c.query(`listen ${channel}`);
      if (closed) {
        broken = true;
        c.release(true);
        return;
      }
      client = c;
      if (!first) onReconnect?.();
    } catch (error) {
      if (c && !broken) {
        broken = true;
        c.release(true);
      }
      if (first) throw error;
      schedule();
    }
  };
  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect(false);
    }, 1000);
    retry.unref();
  };

  await connect(true);
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      if (c) {
        await c.query(`unlisten ${channel}`).catch(() => {});
        c.release();
      }
    },
  };
}
