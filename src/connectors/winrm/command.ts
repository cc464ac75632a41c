/**
 * One command through WinRS: Create shell → Command (→ Send stdin) → Receive until Done →
 * Signal terminate when it has to stop → Delete, always, even after an error.
 */
import { StringDecoder } from 'node:string_decoder';
import {
  ConnectorError,
  type ConnectTarget,
  type ExecOptions,
  type ExecResult,
  FailureKind,
} from '../connector.ts';
import { ClixmlStderrDecoder } from '../windows/clixml.ts';
import { cmdCommandLine, planPowerShell } from '../windows/powershell.ts';
import type { WsmanClient } from './client.ts';
import { winrmError } from './errors.ts';
import { WsmanFault, type WsmanRequest } from './soap.ts';
import * as winrs from './winrs.ts';

export interface CommandSettings {
  /** OperationTimeout of each Receive: how long the host holds a poll open without output. */
  readonly receiveTimeoutS: number;
  /** Bound on Signal and Delete, which must not hang a finished command. */
  readonly cleanupTimeoutS: number;
}

/** Bytes of stdin per Send; well inside the default 500 kB MaxEnvelopeSize once base64-encoded. */
const STDIN_CHUNK = 192 * 1024;

type Stop = { readonly kind: 'timeout'; readonly ms: number } | { readonly kind: 'canceled' };

export async function runCommand(
  client: WsmanClient,
  target: ConnectTarget,
  command: string,
  options: ExecOptions,
  settings: CommandSettings,
): Promise<ExecResult> {
  if (options.signal?.aborted) {
    throw new ConnectorError(
      FailureKind.canceled,
      `the command on ${target.name} was canceled before it started`,
    );
  }
  const run = new WinrsCommand(client, target, options, settings);
  return run.run(command);
}

class WinrsCommand {
  private shellId: string | null = null;
  private commandId: string | null = null;
  private done = false;
  private stopped: Stop | null = null;
  /** Aborts the request in flight (a blocked Receive) when the command must stop. */
  private readonly inFlight = new AbortController();
  private readonly stderr = new StringDecoder('utf8');
  private readonly clixml: ClixmlStderrDecoder | null;

  constructor(
    private readonly client: WsmanClient,
    private readonly target: ConnectTarget,
    private readonly options: ExecOptions,
    private readonly settings: CommandSettings,
  ) {
    this.clixml = target.shell === 'powershell' ? new ClixmlStderrDecoder() : null;
  }

  async run(command: string): Promise<ExecResult> {
    const onAbort = () => this.stop({ kind: 'canceled' });
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    const ms = this.options.timeoutMs;
    const timer = ms !== undefined ? setTimeout(() => this.stop({ kind: 'timeout', ms }), ms) : undefined;
    try {
      const exitCode = await this.execute(command);
      return { exitCode, signal: null };
    } catch (error) {
      if (this.stopped) throw this.stopError(this.stopped);
      throw winrmError(error, this.target, this.doing());
    } finally {
      clearTimeout(timer);
      this.options.signal?.removeEventListener('abort', onAbort);
      await this.cleanup();
    }
  }

  private async execute(command: string): Promise<number> {
    const call = async (parts: WsmanRequest, operationTimeoutS = 60) =>
      (await this.client.call(parts, { operationTimeoutS, signal: this.inFlight.signal })).body;
    const created = await call(
      // Secret values go in the shell's environment, never in the command line; the shell is
      // this command's own (deleted after it), so they reach no other command.
      winrs.createShellRequest({
        environment: { ...this.options.env, ...this.options.secretEnv },
        workingDirectory: this.options.cwd,
      }),
    );
    const shellId = winrs.parseShellId(created);
    this.shellId = shellId;
    const plan =
      this.target.shell === 'cmd'
        ? { mode: 'inline' as const, commandLine: cmdCommandLine(command) }
        : planPowerShell(command);
    const started = await call(
      winrs.commandRequest({ shellId, command: plan.commandLine, consoleModeStdin: plan.mode !== 'stdin' }),
    );
    const commandId = winrs.parseCommandId(started);
    this.commandId = commandId;
    if (plan.mode === 'stdin') {
      const data = Buffer.from(plan.stdin, 'utf8');
      for (let at = 0; ; at += STDIN_CHUNK) {
        const end = at + STDIN_CHUNK >= data.length;
        await call(winrs.sendRequest({ shellId, commandId, data: data.subarray(at, at + STDIN_CHUNK), end }));
        if (end) break;
      }
    }
    for (;;) {
      let answer: winrs.ReceiveResult;
      try {
        const body = await call(winrs.receiveRequest({ shellId, commandId }), this.settings.receiveTimeoutS);
        answer = winrs.parseReceive(body, commandId);
      } catch (error) {
        // The host held the poll for OperationTimeout with nothing to say: ask again.
        if (error instanceof WsmanFault && error.isOperationTimeout) continue;
        throw error;
      }
      for (const chunk of answer.chunks) await this.deliver(chunk.stream, chunk.data);
      if (answer.done) {
        this.done = true;
        await this.flush();
        return toSigned(answer.exitCode ?? 0);
      }
    }
  }

  private async deliver(stream: 'stdout' | 'stderr', data: Buffer): Promise<void> {
    if (data.length === 0 || this.stopped) return;
    if (stream === 'stdout' || !this.clixml) return this.options.onOutput(stream, data);
    // PowerShell's errors arrive as `#< CLIXML` documents: hand on their readable text.
    const text = this.clixml.push(this.stderr.write(data));
    if (text) await this.options.onOutput('stderr', Buffer.from(text, 'utf8'));
  }

  private async flush(): Promise<void> {
    if (!this.clixml) return;
    const rest = this.clixml.push(this.stderr.end()) + this.clixml.end();
    if (rest) await this.options.onOutput('stderr', Buffer.from(rest, 'utf8'));
  }

  private stop(reason: Stop): void {
    if (this.stopped || this.done) return;
    this.stopped = reason;
    this.inFlight.abort();
  }

  /** Terminates a command that did not finish and deletes the shell; never throws. */
  private async cleanup(): Promise<void> {
    const shellId = this.shellId;
    if (!shellId) return;
    const options = { operationTimeoutS: this.settings.cleanupTimeoutS };
    if (this.commandId && !this.done) {
      const terminate = winrs.signalRequest({ shellId, commandId: this.commandId, signal: 'terminate' });
      await this.client.call(terminate, options).catch(() => {});
    }
    await this.client.call(winrs.deleteShellRequest({ shellId }), options).catch(() => {});
  }

  private doing(): string {
    if (!this.shellId) return 'opening a WinRM shell';
    if (!this.commandId) return 'starting the command';
    return 'running the command';
  }

  private stopError(reason: Stop): ConnectorError {
    const started = this.commandId !== null;
    if (reason.kind === 'canceled') {
      return new ConnectorError(
        FailureKind.canceled,
        started
          ? `the command on ${this.target.name} was canceled; it was terminated`
          : `the command on ${this.target.name} was canceled before it started`,
      );
    }
    return new ConnectorError(
      FailureKind.timeout,
      `the command on ${this.target.name} ran longer than ${Math.round(reason.ms / 1000)} s and was terminated`,
    );
  }
}

/** Windows reports exit codes as DWORDs: 4294967295 is -1 (what `exit -1` and many tools mean). */
function toSigned(code: number): number {
  return code > 0x7fffffff ? code - 0x100000000 : code;
}
