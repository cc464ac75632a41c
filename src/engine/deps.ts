import type { Logger } from 'pino';
import type { NotifySettings } from '../config/index.ts';
import type { Connector } from '../connectors/connector.ts';
import type { SessionPool } from '../connectors/pool.ts';
import type { Db } from '../db/pool.ts';
import type { Transport } from '../domain/host-settings.ts';
import type { Vault } from '../security/vault.ts';
import type { CancelRegistry } from './cancel.ts';

/** What the engine needs, wired once in the composition root. */
export interface EngineDeps {
  readonly db: Db;
  readonly vault: Vault;
  /** One connector per transport; a host's `transport` picks which. */
  readonly connectors: Readonly<Record<Transport, Connector>>;
  readonly pool: SessionPool;
  readonly cancels: CancelRegistry;
  readonly workerId: string;
  readonly log: Logger;
  readonly connectTimeoutMs: number;
  readonly outputLimitBytes: number;
  /** Runs `local` steps on this worker. */
  readonly local: Connector;
  /** Sources of upload and sync steps resolve inside it; local steps start in it. */
  readonly filesDir: string;
  readonly artifactLimitBytes: number;
  /** Deliveries of notification rules (webhooks, email) run on workers too. */
  readonly notify: NotifySettings;
  /** The agent ssh-agent credentials sign with; null: this worker has none. */
  readonly agentSocket: string | null;
}
