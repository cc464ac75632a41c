/**
 * File copy to Windows through WinRS: one PowerShell command reads base64 lines from stdin into a
 * temporary file beside the target, hashes what landed on disk (Get-FileHash), and moves it over
 * the target only when that equals the SHA-256 orca computed while streaming, so a failed copy
 * never leaves half a file. Create shell → Command → Send (one line per Send, each answered
 * before the next) while Receive collects the outcome → Signal terminate and remove the temporary
 * file when orca stops it → Delete, always.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  ConnectorError,
  type ConnectTarget,
  FailureKind,
  type PutOptions,
  type PutResult,
} from '../connector.ts';
import { decodeClixml } from '../windows/clixml.ts';
import {
  COMMAND_LINE_LIMIT,
  powershellCommandLine,
  quote as quotePowerShell,
} from '../windows/powershell.ts';
import type { WsmanClient } from './client.ts';
import type { CommandSettings } from './command.ts';
import { winrmError } from './errors.ts';
import { WsmanFault, type WsmanRequest } from './soap.ts';
import * as winrs from './winrs.ts';

/** Raw bytes per Send: one 192 KiB base64 line, which the envelope carries as 256 KiB of base64. */
export const CHUNK_BYTES = 144 * 1024;
/** Output kept of the copy command: a hash line, or an error record. */
const OUTPUT_LIMIT = 64 * 1024;
/** Exit code of the copy script when the file on disk does not hash to what orca sent. */
const EXIT_MISMATCH = 2;

/**
 * The copy script. stdin: one base64 line per chunk, an empty line, then orca's hex SHA-256.
 * stdout: the hash of the written file. Exit 0 when it replaced the target, 2 when the hashes
 * differ, 1 with an error record on stderr when anything failed; the temporary file is gone then.
 */
export function copyScript(remotePath: string, tempSuffix: string): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    `$path = ${quotePowerShell(remotePath)}`,
    `$temp = $path + ${quotePowerShell(tempSuffix)}`,
    '$in = [Console]::In',
    "$file = [IO.File]::Open($temp, 'CreateNew', 'Write')",
    '$moved = $false',
    'try {',
    '  while ($true) {',
    '    $line = $in.ReadLine()',
    "    if ($null -eq $line) { throw 'the data ended before its end mark' }",
    "    if ($line -eq '') { break }",
    '    $bytes = [Convert]::FromBase64String($line)',
    '    $file.Write($bytes, 0, $bytes.Length)',
    '  }',
    '  $file.Close()',
    '  $expected = $in.ReadLine()',
    '  $hash = (Get-FileHash -Algorithm SHA256 -LiteralPath $temp).Hash',
    '  Write-Output $hash',
    '  if ($hash -eq $expected) {',
    '    if ([IO.File]::Exists($path)) { [IO.File]::Replace($temp, $path, $null) } else { [IO.File]::Move($temp, $path) }',
    '    $moved = $true',
    '  }',
    '} finally {',
    '  $file.Dispose()',
    '  if (-not $moved) { [IO.File]::Delete($temp) }',
    '}',
    `if (-not $moved) { exit ${EXIT_MISMATCH} }`,
    'exit 0',
  ].join('\n');
}

/** Removes the temporary file of a copy that was stopped, retrying while the killed process lets go of it. */
export function removeTempScript(tempPath: string): string {
  return [
    `$temp = ${quotePowerShell(tempPath)}`,
    '$tries = 0',
    'while ([IO.File]::Exists($temp) -and $tries -lt 30) {',
    '  try { [IO.File]::Delete($temp) } catch { Start-Sleep -Milliseconds 100 }',
    '  $tries = $tries + 1',
    '}',
    'if ([IO.File]::Exists($temp)) { exit 1 }',
  ].join('\n');
}

/** One stdin line carrying a chunk. */
export function dataLine(chunk: Buffer): Buffer {
  return Buffer.from(`${chunk.toString('base64')}\n`, 'ascii');
}

/** The end mark and the hash the host must match. */
export function endLines(sha256: string): Buffer {
  return Buffer.from(`\n${sha256}\n`, 'ascii');
}

/** What the copy command ended with. */
export interface CopyOutcome {
  readonly exitCode: number;
  readonly stdout: string;
  /** Decoded from CLIXML. */
  readonly stderr: string;
}

/** The first lines of a PowerShell error record, without its position and category lines. */
export function errorMessage(stderr: string): string {
  const lines: string[] = [];
  for (const line of stderr.split(/\r?\n/)) {
    if (/^At (line:|[A-Za-z]:\\)|^\s*\+ /.test(line)) break;
    if (line.trim() !== '') lines.push(line.trim());
  }
  return lines.join(' ');
}

/** Turns the outcome into the result, or the error that says what went wrong. */
export function concludeCopy(
  outcome: CopyOutcome,
  copy: {
    readonly host: string;
    readonly remotePath: string;
    readonly sha256: string;
    readonly bytes: number;
  },
): PutResult {
  const remote = /\b([0-9A-Fa-f]{64})\b/.exec(outcome.stdout)?.[1]?.toLowerCase();
  const where = `${copy.host}: copying to ${copy.remotePath}`;
  if (outcome.exitCode === 0 && remote === copy.sha256) return { bytes: copy.bytes, sha256: remote };
  if (outcome.exitCode === 0 || outcome.exitCode === EXIT_MISMATCH) {
    return fail(
      FailureKind.protocol,
      `${where}: the file arrived damaged (sha256 on the host ${remote ?? 'not reported'}, sent ${copy.sha256})` +
        (outcome.exitCode === 0 ? '' : '; the target was left as it was'),
    );
  }
  const message = errorMessage(outcome.stderr) || `PowerShell exited with code ${outcome.exitCode}`;
  return fail(FailureKind.nonzeroExit, `${where} failed: ${message}`, { exitCode: String(outcome.exitCode) });
}

function fail(kind: FailureKind, message: string, details?: Record<string, string>): never {
  throw new ConnectorError(kind, message, details);
}

type Stop = { readonly kind: 'timeout'; readonly ms: number } | { readonly kind: 'canceled' };

export async function copyFile(
  client: WsmanClient,
  target: ConnectTarget,
  localPath: string,
  remotePath: string,
  options: PutOptions,
  settings: CommandSettings,
): Promise<PutResult> {
  if (options.signal?.aborted) {
    throw new ConnectorError(FailureKind.canceled, `copying to ${remotePath} on ${target.name} was canceled`);
  }
  const suffix = `.orca-${randomBytes(4).toString('hex')}.tmp`;
  const commandLine = powershellCommandLine(copyScript(remotePath, suffix));
  if (commandLine.length > COMMAND_LINE_LIMIT) {
    throw new ConnectorError(
      FailureKind.protocol,
      `${target.name}: the remote path ${remotePath} is too long`,
    );
  }
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(localPath, 'r');
  } catch (error) {
    throw new ConnectorError(
      FailureKind.protocol,
      `cannot read ${localPath} to copy it to ${target.name}: ${(error as Error).message}`,
    );
  }
  const source = handle.createReadStream({ highWaterMark: CHUNK_BYTES });
  try {
    const copy = new WinrsCopy(client, target, options, settings, source);
    return await copy.run(commandLine, remotePath, `${remotePath}${suffix}`);
  } finally {
    source.destroy();
  }
}

class WinrsCopy {
  private shellId: string | null = null;
  private commandId: string | null = null;
  private done = false;
  private stopped: Stop | null = null;
  private receiveFailure: { readonly error: unknown } | null = null;
  private readonly inFlight = new AbortController();
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private sha256: string | null = null;
  private tempRemoved = false;

  constructor(
    private readonly client: WsmanClient,
    private readonly target: ConnectTarget,
    private readonly options: PutOptions,
    private readonly settings: CommandSettings,
    private readonly source: Readable,
  ) {}

  async run(commandLine: string, remotePath: string, tempPath: string): Promise<PutResult> {
    const onAbort = () => this.stop({ kind: 'canceled' });
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    const ms = this.options.timeoutMs;
    const timer = ms !== undefined ? setTimeout(() => this.stop({ kind: 'timeout', ms }), ms) : undefined;
    let outcome: CopyOutcome | null = null;
    let failure: unknown = null;
    try {
      outcome = await this.execute(commandLine);
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(timer);
      this.options.signal?.removeEventListener('abort', onAbort);
    }
    await this.cleanup(tempPath);
    const where = `copying to ${remotePath} on ${this.target.name}`;
    const leftover = this.tempRemoved ? 'the partial file was removed' : `${tempPath} may be left behind`;
    if (this.stopped?.kind === 'canceled') {
      throw new ConnectorError(FailureKind.canceled, `${where} was canceled; ${leftover}`);
    }
    if (this.stopped?.kind === 'timeout') {
      throw new ConnectorError(
        FailureKind.timeout,
        `${where} took longer than ${Math.round(this.stopped.ms / 1000)} s and was stopped; ${leftover}`,
      );
    }
    if (failure !== null || !outcome) throw winrmError(failure, this.target, this.doing());
    return concludeCopy(outcome, {
      host: this.target.name,
      remotePath,
      sha256: this.sha256 ?? '(not all sent)',
      bytes: this.bytes,
    });
  }

  private call(parts: WsmanRequest, operationTimeoutS = 60, signal = this.inFlight.signal) {
    return this.client.call(parts, { operationTimeoutS, signal }).then((answer) => answer.body);
  }

  private async execute(commandLine: string): Promise<CopyOutcome> {
    const shellId = winrs.parseShellId(await this.call(winrs.createShellRequest()));
    this.shellId = shellId;
    const started = await this.call(
      winrs.commandRequest({ shellId, command: commandLine, consoleModeStdin: false }),
    );
    const commandId = winrs.parseCommandId(started);
    this.commandId = commandId;
    // Receive runs alongside the Sends, so a script that fails at once is heard at once.
    const receiving = this.receiveAll(shellId, commandId, this.inFlight.signal).then(
      (outcome) => {
        this.done = true;
        return outcome;
      },
      (error: unknown) => {
        this.receiveFailure ??= { error };
        this.inFlight.abort();
        return null;
      },
    );
    try {
      await this.sendAll(shellId, commandId);
    } catch (error) {
      if (this.stopped) throw error;
      // The host refuses stdin of a command that ended; the command's own error says why.
      if (error instanceof WsmanFault && !this.receiveFailure) {
        const ended = await Promise.race([receiving, delay(5000)]);
        if (ended) return ended;
      }
      const earlier = this.receiveFailure;
      this.inFlight.abort();
      await receiving;
      throw earlier ? earlier.error : error;
    }
    const outcome = await receiving;
    if (!outcome) throw this.receiveFailure?.error;
    return outcome;
  }

  /** Streams the file, one Send per chunk, each answered before the next is read. */
  private async sendAll(shellId: string, commandId: string): Promise<void> {
    for await (const chunk of this.source) {
      if (this.done || this.stopped) return;
      const data = chunk as Buffer;
      this.hash.update(data);
      this.bytes += data.length;
      await this.call(winrs.sendRequest({ shellId, commandId, data: dataLine(data) }));
      this.options.onProgress?.(this.bytes);
    }
    if (this.done || this.stopped) return;
    this.sha256 = this.hash.digest('hex');
    await this.call(winrs.sendRequest({ shellId, commandId, data: endLines(this.sha256), end: true }));
  }

  private async receiveAll(shellId: string, commandId: string, signal: AbortSignal): Promise<CopyOutcome> {
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const kept = { stdout: 0, stderr: 0 };
    for (;;) {
      let answer: winrs.ReceiveResult;
      try {
        const body = await this.call(
          winrs.receiveRequest({ shellId, commandId }),
          this.settings.receiveTimeoutS,
          signal,
        );
        answer = winrs.parseReceive(body, commandId);
      } catch (error) {
        if (error instanceof WsmanFault && error.isOperationTimeout) continue;
        throw error;
      }
      for (const chunk of answer.chunks) {
        if (kept[chunk.stream] >= OUTPUT_LIMIT) continue;
        out[chunk.stream].push(chunk.data);
        kept[chunk.stream] += chunk.data.length;
      }
      if (answer.done) {
        return {
          exitCode: toSigned(answer.exitCode ?? 0),
          stdout: Buffer.concat(out.stdout).toString('utf8'),
          stderr: decodeClixml(Buffer.concat(out.stderr).toString('utf8')),
        };
      }
    }
  }

  private stop(reason: Stop): void {
    if (this.stopped || this.done) return;
    this.stopped = reason;
    this.inFlight.abort();
  }

  /**
   * A command that did not finish is terminated (a killed script cleans up nothing) and its
   * temporary file removed by a second command; then the shell is deleted. Never throws.
   */
  private async cleanup(tempPath: string): Promise<void> {
    const shellId = this.shellId;
    if (!shellId) return;
    const budget = AbortSignal.timeout(this.settings.cleanupTimeoutS * 1000);
    const timeoutS = this.settings.cleanupTimeoutS;
    if (this.commandId && !this.done) {
      const terminate = winrs.signalRequest({ shellId, commandId: this.commandId, signal: 'terminate' });
      await this.call(terminate, timeoutS, budget).catch(() => {});
      try {
        const started = await this.call(
          winrs.commandRequest({ shellId, command: powershellCommandLine(removeTempScript(tempPath)) }),
          timeoutS,
          budget,
        );
        const outcome = await this.receiveAll(shellId, winrs.parseCommandId(started), budget);
        this.tempRemoved = outcome.exitCode === 0;
      } catch {
        // Best effort: the shell's Delete below still ends whatever runs.
      }
    }
    await this.call(
      winrs.deleteShellRequest({ shellId }),
      timeoutS,
      AbortSignal.timeout(timeoutS * 1000),
    ).catch(() => {});
  }

  private doing(): string {
    if (!this.shellId) return 'opening a WinRM shell';
    if (!this.commandId) return 'starting the copy';
    return 'copying the file';
  }
}

function delay(ms: number): Promise<null> {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms).unref());
}

/** Windows reports exit codes as DWORDs. */
function toSigned(code: number): number {
  return code > 0x7fffffff ? code - 0x100000000 : code;
}
