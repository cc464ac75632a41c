/** What SFTP put and get share: their view of the session, the stop logic and the hash on the host. */
import {
  ConnectorError,
  type ConnectTarget,
  type ExecOptions,
  type ExecResult,
  FailureKind,
} from '../connector.ts';
import { formatDuration } from './errors.ts';
import type { Sftp } from './sftp.ts';
import { EXIT_NO_HASHER, hashCommand, parseSha256 } from './transfer-paths.ts';

/** What a transfer uses of its session. */
export interface TransferContext {
  readonly target: ConnectTarget;
  /** The session's SFTP channel, opened on first use. */
  sftp(): Promise<Sftp>;
  exec(command: string, options: ExecOptions): Promise<ExecResult>;
  /** Aborted when the session closes. */
  readonly closing: AbortSignal;
}

type StopReason =
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'canceled' | 'closed' };

/** Marks an await that ended because the transfer was stopped. */
class Stopped extends Error {}

/**
 * Timeout, cancel and session close of one transfer. In-flight SFTP requests cannot be taken
 * back, so every step is raced against the stop; the steps left running finish unobserved.
 */
export class TransferControl {
  private stopped: StopReason | null = null;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.stop({ kind: 'canceled' });
  private readonly onClose = () => this.stop({ kind: 'closed' });
  private readonly whenStopped: Promise<never>;

  constructor(
    private readonly options: {
      readonly timeoutMs?: number | undefined;
      readonly signal?: AbortSignal | undefined;
    },
    private readonly closing: AbortSignal,
  ) {
    this.whenStopped = new Promise<never>((_, reject) => {
      this.controller.signal.addEventListener('abort', () => reject(new Stopped()), { once: true });
    });
    this.whenStopped.catch(() => {});
    const ms = options.timeoutMs;
    if (ms !== undefined) this.timer = setTimeout(() => this.stop({ kind: 'timeout', ms }), ms);
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    closing.addEventListener('abort', this.onClose, { once: true });
    if (options.signal?.aborted) this.stop({ kind: 'canceled' });
    if (closing.aborted) this.stop({ kind: 'closed' });
  }

  /** Aborted when the transfer is stopped: for the commands it runs. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get isStopped(): boolean {
    return this.stopped !== null;
  }

  /** `work`, unless the transfer is stopped first. */
  step<T>(work: Promise<T>): Promise<T> {
    work.catch(() => {});
    return Promise.race([work, this.whenStopped]);
  }

  /** The error a transfer fails with: the stop's, if it was stopped, else `error` itself. */
  failure(error: unknown, doing: string, leftover: string): unknown {
    const stop = this.stopped;
    const tail = leftover ? `; ${leftover}` : '';
    if (!stop) return error;
    switch (stop.kind) {
      case 'timeout':
        return new ConnectorError(
          FailureKind.timeout,
          `${doing} took longer than its ${formatDuration(stop.ms)} timeout and was stopped${tail}`,
        );
      case 'canceled':
        return new ConnectorError(FailureKind.canceled, `${doing} was canceled${tail}`);
      case 'closed':
        return new ConnectorError(FailureKind.protocol, `the session was closed while ${doing}${tail}`);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.closing.removeEventListener('abort', this.onClose);
  }

  private stop(reason: StopReason): void {
    if (this.stopped) return;
    this.stopped = reason;
    this.controller.abort();
  }
}

/** Output kept of the hash command. */
const HASH_OUTPUT_LIMIT = 16 * 1024;

/** The SHA-256 of `path` as the host computes it. */
export async function hostSha256(
  ctx: TransferContext,
  path: string,
  control: TransferControl,
): Promise<string> {
  const out = { stdout: '', stderr: '' };
  const result = await control.step(
    ctx.exec(hashCommand(ctx.target, path), {
      signal: control.signal,
      onOutput: (stream, chunk) => {
        if (out[stream].length < HASH_OUTPUT_LIMIT) out[stream] += chunk.toString('utf8');
      },
    }),
  );
  const sha256 = parseSha256(out.stdout);
  if (result.exitCode === 0 && sha256) return sha256;
  const why =
    result.exitCode === EXIT_NO_HASHER && ctx.target.os !== 'windows'
      ? 'none of sha256sum, shasum or openssl is installed there; install coreutils'
      : out.stderr.trim().split('\n')[0] ||
        `the hash command exited with ${result.exitCode ?? result.signal}`;
  throw new ConnectorError(
    FailureKind.protocol,
    `${ctx.target.name}: could not hash ${path} on the host: ${why}`,
  );
}

/** Runs `fn`, bounded by `ms`, ignoring its failure: cleanup that must not hang or throw. */
export async function bestEffort(fn: () => Promise<unknown>, ms = CLEANUP_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      fn().then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
const CLEANUP_MS = 10_000;
