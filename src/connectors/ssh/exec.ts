/** One command on an open connection: output with back-pressure, exit status, timeout, cancel, kill. */
import { randomBytes } from 'node:crypto';
import type { ClientChannel, Client as Ssh2Client } from 'ssh2';
import {
  ConnectorError,
  type ConnectTarget,
  type ExecOptions,
  type ExecResult,
  FailureKind,
} from '../connector.ts';
import { connectionLost, type StopReason, stopError, type TransportError } from './errors.ts';
import { type Invocation, planInvocation } from './invocation.ts';
import { runKillCommand } from './kill.ts';
import { OutputPump } from './output-pump.ts';
import { PidMarkerParser } from './pid-marker.ts';
import { PowerShellStderr } from './powershell-stderr.ts';

export interface CommandContext {
  readonly client: Ssh2Client;
  readonly target: ConnectTarget;
  /** Upper bound for each step of killing a command (waiting for its PID, running kill). */
  readonly killTimeoutMs: number;
  /** Why the connection ended, or undefined while it is up. */
  ended(): { readonly cause: TransportError | null } | undefined;
}

type Exit = { code: number | null; signal: string | null };

export class RemoteCommand {
  readonly result: Promise<ExecResult>;
  private resolve!: (result: ExecResult) => void;
  private reject!: (error: unknown) => void;
  private finished = false;
  private stopping = false;
  /** The channel closed: the command and everything holding its output open are gone. */
  private closed = false;
  private readonly channelOpened: Promise<ClientChannel | null>;
  private openedChannel!: (channel: ClientChannel | null) => void;
  private readonly invocation: Invocation;
  /** Null when the command prints no PID (cmd on Windows). */
  private readonly parser: PidMarkerParser | null;
  private pidKnown!: (pid: number | null) => void;
  private readonly pid: Promise<number | null>;
  private timer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => void this.stop({ kind: 'canceled' });

  constructor(
    private readonly ctx: CommandContext,
    command: string,
    private readonly options: ExecOptions,
  ) {
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.channelOpened = new Promise((resolve) => {
      this.openedChannel = resolve;
    });
    this.pid = new Promise((resolve) => {
      this.pidKnown = resolve;
    });
    const marker = `ORCA_PID_${randomBytes(8).toString('hex')}`;
    this.invocation = planInvocation(ctx.target, command, {
      env: options.env,
      cwd: options.cwd,
      pidMarker: marker,
      stdinLine: options.stdinLine,
      secretEnv: options.secretEnv,
    });
    this.parser = this.invocation.printsPid ? new PidMarkerParser(marker) : null;
    if (!this.parser) this.pidKnown(null);
    if (options.signal?.aborted) {
      this.fail(
        new ConnectorError(
          FailureKind.canceled,
          `the command on ${ctx.target.name} was canceled before it started`,
        ),
      );
      return;
    }
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      this.timer = setTimeout(() => void this.stop({ kind: 'timeout', ms }), ms);
    }
    this.open();
  }

  private open(): void {
    try {
      this.ctx.client.exec(this.invocation.commandLine, (error, channel) => {
        if (error) {
          this.openedChannel(null);
          this.fail(this.openFailure(error));
          return;
        }
        // Attached even when stop() is already waiting: the PID still has to be read to kill it.
        this.attach(channel);
        this.openedChannel(channel);
        const { stdin, stdinLine } = this.invocation;
        if (stdin) channel.end(stdin);
        else if (stdin !== null) channel.end();
        else if (stdinLine) channel.write(stdinLine);
        // stop() gave up waiting for this channel: the command must not run unwatched.
        if (this.finished) void this.kill(channel).finally(() => channel.close());
      });
    } catch (error) {
      this.openedChannel(null);
      this.fail(connectionLost(this.ctx.target, this.ctx.ended()?.cause ?? (error as Error)));
    }
  }

  private attach(channel: ClientChannel): void {
    let exit: Exit | null = null;
    let stdoutEnded = false;
    let stderrEnded = false;
    limitBuffering(channel);
    limitBuffering(channel.stderr);
    const pump = new OutputPump(
      this.options.onOutput,
      [channel, channel.stderr],
      (error) => void this.stop({ kind: 'consumer', error }),
    );
    this.discardOutput = () => pump.discard();
    if (this.stopping) pump.discard();
    const stderr = this.invocation.clixmlStderr ? new PowerShellStderr() : null;
    const settle = async () => {
      if (!(this.closed && stdoutEnded && stderrEnded) || this.stopping || this.finished) return;
      await pump.whenIdle();
      if (this.stopping) return;
      if (exit) this.succeed({ exitCode: exit.code, signal: exit.signal });
      else if (this.ctx.ended()) this.fail(connectionLost(this.ctx.target, this.ctx.ended()?.cause ?? null));
      else this.fail(this.protocol('the channel closed without reporting an exit status'));
    };
    channel.on('exit', (code: number | null, signal?: string) => {
      exit = {
        code: typeof code === 'number' ? this.invocation.exitCode(code) : null,
        signal: signal ?? null,
      };
    });
    channel.on('data', (chunk: Buffer) => {
      const { parser } = this;
      if (!parser) return pump.push('stdout', chunk);
      const out = parser.feed(chunk);
      if (parser.settled) this.pidKnown(parser.pid);
      pump.push('stdout', out);
    });
    channel.on('end', () => {
      if (this.parser) {
        pump.push('stdout', this.parser.end());
        this.pidKnown(this.parser.pid);
      }
      stdoutEnded = true;
      void settle();
    });
    channel.stderr.on('data', (chunk: Buffer) => pump.push('stderr', stderr ? stderr.push(chunk) : chunk));
    channel.stderr.on('end', () => {
      if (stderr) pump.push('stderr', stderr.end());
      stderrEnded = true;
      void settle();
    });
    channel.on('close', () => {
      this.closed = true;
      // The remote end may close without ending the streams we paused: let them finish.
      void settle();
    });
    // ssh2 reports channel trouble through the connection; keep stray errors from crashing.
    channel.on('error', () => {});
  }

  private discardOutput: () => void = () => {};

  /** Kills the remote command, then rejects with the error for `reason`; resolves when done trying. */
  async stop(reason: StopReason): Promise<void> {
    if (this.finished || this.stopping) return;
    this.stopping = true;
    this.clearTimers();
    this.discardOutput();
    // The channel may still be opening; if it never does, there is nothing to kill.
    const channel = await Promise.race([this.channelOpened, delay(this.ctx.killTimeoutMs, null)]);
    if (this.finished) return; // opening failed and was reported
    const killed = channel !== null && (await this.kill(channel));
    channel?.close();
    this.fail(stopError(reason, this.ctx.target, killed));
  }

  /**
   * Kills the command's process group (see command.ts) or, on Windows, its process tree (see
   * windows-command.ts); falls back to an SSH signal request, then stop() closes the channel.
   */
  private async kill(channel: ClientChannel): Promise<boolean> {
    const pid = await Promise.race([this.pid, delay(this.ctx.killTimeoutMs, null)]);
    // Once the channel closed there is nothing left to kill, and the PID may be reused.
    if (this.closed) return true;
    const killed =
      pid !== null &&
      !this.ctx.ended() &&
      (await runKillCommand(this.ctx.client, this.invocation.killCommand(pid), this.ctx.killTimeoutMs));
    // OpenSSH ≥ 7.9 would killpg() the session for this, but refuses for forced-command
    // sessions, and older or other servers ignore it: a fallback only.
    if (!killed) channel.signal('KILL');
    return killed;
  }

  private succeed(result: ExecResult): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    this.resolve(result);
  }

  private fail(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    this.reject(error);
  }

  private clearTimers(): void {
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private protocol(why: string): ConnectorError {
    return new ConnectorError(
      FailureKind.protocol,
      `running the command on ${this.ctx.target.name} failed: ${why}`,
    );
  }

  private openFailure(error: Error): ConnectorError {
    const ended = this.ctx.ended();
    if (ended) return connectionLost(this.ctx.target, ended.cause);
    // e.g. OpenSSH's MaxSessions (10 channels per connection by default) was reached.
    return this.protocol(`the host refused to open a channel (${error.message})`);
  }
}

/**
 * ssh2 keeps widening the SSH window (2 MiB) until a paused stream holds its high-water mark,
 * also 2 MiB, so a slow consumer could have 4 MiB per channel waiting in memory. A small mark
 * stops the window as soon as the consumer falls behind; a fast consumer is not slowed, since
 * a flowing stream hands each chunk on at once. The mark is only settable on Node's state.
 */
function limitBuffering(stream: object): void {
  const state = (stream as { _readableState?: { highWaterMark?: unknown } })._readableState;
  if (state && typeof state.highWaterMark === 'number') state.highWaterMark = STREAM_BUFFER_BYTES;
}
const STREAM_BUFFER_BYTES = 64 * 1024;

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(resolve, ms, value).unref());
}
