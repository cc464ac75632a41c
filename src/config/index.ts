/**
 * Configuration, parsed once at start-up. The only module that reads process.env.
 */
import { resolve } from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { parseWorkerTags } from '../domain/pools.ts';
import { compileSchema } from '../domain/schema.ts';
import { OidcEnv, type OidcSettings, oidcSettings } from './oidc.ts';

export type { OidcSettings } from './oidc.ts';

const Env = Type.Object({
  ORCA_HOME: Type.String({ default: './.orca', minLength: 1 }),
  ORCA_PORT: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
  ORCA_BIND: Type.String({ default: '127.0.0.1', minLength: 1 }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  ORCA_DB_POOL_SIZE: Type.Integer({ default: 10, minimum: 1, maximum: 200 }),
  ORCA_EMBEDDED_PG_PORT: Type.Integer({ default: 0, minimum: 0, maximum: 65535 }),
  ORCA_SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
  ORCA_SECRET_KEYS_OLD: Type.Optional(Type.String({ minLength: 1 })),
  ORCA_ADMIN_USER: Type.String({ default: 'admin', minLength: 1, maxLength: 64 }),
  ORCA_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8 })),
  ORCA_LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  ORCA_WORKER_CONCURRENCY: Type.Integer({ default: 16, minimum: 1, maximum: 1000 }),
  ORCA_WORKER_TAGS: Type.Optional(Type.String({ maxLength: 4096 })),
  ORCA_WORKER_POOL_ONLY: Type.Boolean({ default: false }),
  ORCA_WORKER_GRACE_S: Type.Integer({ default: 30, minimum: 0, maximum: 86_400 }),
  ORCA_CONNECT_TIMEOUT_MS: Type.Integer({ default: 15000, minimum: 100 }),
  ORCA_COMMAND_TIMEOUT_MS: Type.Integer({ default: 3600000, minimum: 100 }),
  ORCA_OUTPUT_LIMIT_BYTES: Type.Integer({ default: 32 * 1024 * 1024, minimum: 1024 }),
  ORCA_SESSION_TTL_HOURS: Type.Number({ default: 12, exclusiveMinimum: 0 }),
  ORCA_SESSION_IDLE_MINUTES: Type.Number({ default: 60, exclusiveMinimum: 0 }),
  ORCA_WEB_DIR: Type.Optional(Type.String()),
  ORCA_LEASE_TIMEOUT_MS: Type.Integer({ default: 30000, minimum: 1000 }),
  ORCA_FILES_DIR: Type.Optional(Type.String({ minLength: 1 })),
  ORCA_ARTIFACT_LIMIT_BYTES: Type.Integer({ default: 256 * 1024 * 1024, minimum: 1024 }),
  ORCA_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
  ORCA_SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', maxLength: 2048 })),
  ORCA_SMTP_FROM: Type.String({ default: 'orca <orca@localhost>', minLength: 3, maxLength: 320 }),
  ORCA_NOTIFY_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 100 }),
  ORCA_NOTIFY_ATTEMPTS: Type.Integer({ default: 5, minimum: 1, maximum: 20 }),
  ORCA_NOTIFY_BACKOFF_MS: Type.Integer({ default: 2_000, minimum: 10 }),
  ORCA_TLS_CERT: Type.Optional(Type.String({ minLength: 1 })),
  ORCA_TLS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  ORCA_TRUST_PROXY: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  ORCA_CORS_ORIGINS: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  ORCA_SSH_AGENT_SOCK: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  SSH_AUTH_SOCK: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  ORCA_HEALTH_INTERVAL_S: Type.Integer({ default: 300, minimum: 0 }),
  ORCA_HEALTH_CONCURRENCY: Type.Integer({ default: 20, minimum: 1, maximum: 1000 }),
  ORCA_SCHEDULER_INTERVAL_MS: Type.Integer({ default: 1000, minimum: 0 }),
  ORCA_SCHEDULE_MISFIRE_GRACE_MS: Type.Integer({ default: 60000, minimum: 0 }),
  ORCA_RUN_RETENTION_DAYS: Type.Number({ default: 0, minimum: 0 }),
  ORCA_ARTIFACT_RETENTION_DAYS: Type.Number({ default: 30, minimum: 0 }),
  ...OidcEnv,
});
type Env = Static<typeof Env>;

export interface Config {
  readonly home: string;
  readonly port: number;
  readonly bind: string;
  /** null: start an embedded PostgreSQL under `home`. */
  readonly databaseUrl: string | null;
  readonly dbPoolSize: number;
  readonly embeddedPgPort: number;
  readonly secretKey: string | null;
  /** Old keys (comma-separated, each like ORCA_SECRET_KEY): secrets sealed with them still open. */
  readonly secretKeysOld: string | null;
  readonly adminUser: string;
  readonly adminPassword: string | null;
  readonly logLevel: string;
  readonly workerConcurrency: number;
  /** The pools (`key=value` tags) this worker serves besides hosts with no pool (--tags). */
  readonly workerTags: readonly string[];
  /** Serve only the pools of `workerTags`, not hosts without a pool (--pool-only). */
  readonly workerPoolOnly: boolean;
  /** On SIGTERM, how long running executions may go on before they are stopped and handed back. */
  readonly workerGraceMs: number;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly outputLimitBytes: number;
  /** A browser session's absolute lifetime (ORCA_SESSION_TTL_HOURS). */
  readonly sessionTtlMs: number;
  /** A browser session ends after this long without a request (ORCA_SESSION_IDLE_MINUTES). */
  readonly sessionIdleMs: number;
  readonly webDir: string;
  readonly leaseTimeoutMs: number;
  /** Where upload and sync steps take their sources, and local steps run (default `home/files`). */
  readonly filesDir: string;
  /** The largest file a download step keeps as an artifact. */
  readonly artifactLimitBytes: number;
  /** Each host's connectivity is checked this often; 0 disables the periodic check. */
  readonly healthIntervalMs: number;
  /** Health checks in flight at once, across all workers. */
  readonly healthConcurrency: number;
  /** How often the scheduler looks for due schedules; 0 turns it off in this process. */
  readonly schedulerIntervalMs: number;
  /** A fire time reached later than this is a misfire (the schedule's misfire policy applies). */
  readonly misfireGraceMs: number;
  /** PEM files of the server's certificate (chain) and key: serve HTTPS. Null: plain HTTP. */
  readonly tls: { readonly certPath: string; readonly keyPath: string } | null;
  /**
   * Behind a reverse proxy: trust its X-Forwarded-For/-Proto (true: any; a number: that many
   * hops; else a comma-separated list of proxy addresses). False: ignore the headers.
   */
  readonly trustProxy: boolean | number | string;
  /** Other origins whose pages may call the API (CORS, with tokens, not cookies); empty: same origin only. */
  readonly corsOrigins: readonly string[];
  /** The worker's SSH agent socket, for ssh-agent credentials (ORCA_SSH_AGENT_SOCK, else SSH_AUTH_SOCK). */
  readonly sshAgentSocket: string | null;
  readonly notify: NotifySettings;
  /** Finished runs and artifacts older than this are deleted; 0 keeps them. */
  readonly retention: { readonly runDays: number; readonly artifactDays: number };
  /** Single sign-on through an OpenID Connect provider; null when ORCA_OIDC_ISSUER is unset. */
  readonly oidc: OidcSettings | null;
}

/** How notifications are delivered (webhooks and email). */
export interface NotifySettings {
  /** Base of the run links in notifications (default: the address the server listens on). */
  readonly publicUrl: string;
  /** SMTP server for email rules, e.g. `smtp://user:pass@mail:587`; null: email rules fail. */
  readonly smtpUrl: string | null;
  readonly smtpFrom: string;
  readonly timeoutMs: number;
  /** Attempts per delivery, the first included. */
  readonly attempts: number;
  /** Wait before the second attempt; doubles for each one after. */
  readonly backoffMs: number;
}

const validate = compileSchema(Env, { coerceTypes: true, useDefaults: true });

/** Parses the environment; throws one error that names every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(Env.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = validate(raw);
  if (!result.ok) {
    throw new Error(
      `invalid configuration: ${result.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  const e: Env = result.value;
  const home = resolve(e.ORCA_HOME);
  return {
    home,
    port: e.ORCA_PORT,
    bind: e.ORCA_BIND,
    databaseUrl: e.DATABASE_URL ?? null,
    dbPoolSize: e.ORCA_DB_POOL_SIZE,
    embeddedPgPort: e.ORCA_EMBEDDED_PG_PORT,
    secretKey: e.ORCA_SECRET_KEY ?? null,
    secretKeysOld: e.ORCA_SECRET_KEYS_OLD ?? null,
    adminUser: e.ORCA_ADMIN_USER,
    adminPassword: e.ORCA_ADMIN_PASSWORD ?? null,
    logLevel: e.ORCA_LOG_LEVEL,
    workerConcurrency: e.ORCA_WORKER_CONCURRENCY,
    workerTags: workerTagsOf(e.ORCA_WORKER_TAGS),
    workerPoolOnly: e.ORCA_WORKER_POOL_ONLY,
    workerGraceMs: e.ORCA_WORKER_GRACE_S * 1000,
    connectTimeoutMs: e.ORCA_CONNECT_TIMEOUT_MS,
    commandTimeoutMs: e.ORCA_COMMAND_TIMEOUT_MS,
    outputLimitBytes: e.ORCA_OUTPUT_LIMIT_BYTES,
    sessionTtlMs: e.ORCA_SESSION_TTL_HOURS * 3600_000,
    sessionIdleMs: e.ORCA_SESSION_IDLE_MINUTES * 60_000,
    webDir: resolve(e.ORCA_WEB_DIR ?? new URL('../../web/dist', import.meta.url).pathname),
    leaseTimeoutMs: e.ORCA_LEASE_TIMEOUT_MS,
    filesDir: resolve(e.ORCA_FILES_DIR ?? resolve(home, 'files')),
    artifactLimitBytes: e.ORCA_ARTIFACT_LIMIT_BYTES,
    sshAgentSocket: e.ORCA_SSH_AGENT_SOCK ?? e.SSH_AUTH_SOCK ?? null,
    tls: tlsFiles(e.ORCA_TLS_CERT, e.ORCA_TLS_KEY),
    trustProxy: trustProxyOf(e.ORCA_TRUST_PROXY),
    corsOrigins: corsOriginsOf(e.ORCA_CORS_ORIGINS),
    notify: {
      publicUrl: (e.ORCA_PUBLIC_URL ?? `http://${e.ORCA_BIND}:${e.ORCA_PORT}`).replace(/\/+$/, ''),
      smtpUrl: e.ORCA_SMTP_URL ?? null,
      smtpFrom: e.ORCA_SMTP_FROM,
      timeoutMs: e.ORCA_NOTIFY_TIMEOUT_MS,
      attempts: e.ORCA_NOTIFY_ATTEMPTS,
      backoffMs: e.ORCA_NOTIFY_BACKOFF_MS,
    },
    healthIntervalMs: e.ORCA_HEALTH_INTERVAL_S * 1000,
    healthConcurrency: e.ORCA_HEALTH_CONCURRENCY,
    schedulerIntervalMs: e.ORCA_SCHEDULER_INTERVAL_MS,
    misfireGraceMs: e.ORCA_SCHEDULE_MISFIRE_GRACE_MS,
    retention: { runDays: e.ORCA_RUN_RETENTION_DAYS, artifactDays: e.ORCA_ARTIFACT_RETENTION_DAYS },
    oidc: oidcSettings(e),
  };
}

function workerTagsOf(text: string | undefined): string[] {
  try {
    return parseWorkerTags(text === undefined ? [] : [text]);
  } catch (e) {
    throw new Error(`invalid configuration: ORCA_WORKER_TAGS: ${(e as Error).message}`);
  }
}

function tlsFiles(cert: string | undefined, key: string | undefined): Config['tls'] {
  if (cert === undefined && key === undefined) return null;
  if (cert === undefined || key === undefined) {
    throw new Error(
      `invalid configuration: ${cert === undefined ? 'ORCA_TLS_CERT' : 'ORCA_TLS_KEY'}: set both ORCA_TLS_CERT and ORCA_TLS_KEY to serve HTTPS`,
    );
  }
  return { certPath: resolve(cert), keyPath: resolve(key) };
}

/** `https://a.example, http://localhost:5173` → the origins, each checked to be scheme://host[:port]. */
function corsOriginsOf(text: string | undefined): string[] {
  const list = (text ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of list) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {}
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin.replace(/\/$/, '')) {
      throw new Error(
        `invalid configuration: ORCA_CORS_ORIGINS: ${JSON.stringify(origin)} is not an origin; write scheme://host[:port], e.g. https://tools.example.com`,
      );
    }
  }
  return list.map((o) => o.replace(/\/$/, ''));
}

function trustProxyOf(text: string | undefined): Config['trustProxy'] {
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) return Number(text);
  return text;
}

/** Client-side settings for CLI commands that talk to a server. */
export interface ClientConfig {
  readonly url: string | null;
  readonly token: string | null;
}

export function loadClientConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ClientConfig {
  return { url: env.ORCA_URL || null, token: env.ORCA_TOKEN || null };
}
