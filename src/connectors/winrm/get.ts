/**
 * File copy from Windows through WinRS: one PowerShell command reads the file in chunks and writes
 * each as a base64 line on stdout, between a line with the file's length and one with the hash
 * Get-FileHash computes once the file was read. Lines are decoded as they arrive; the next Receive
 * waits for the consumer, so a slow consumer holds the host back instead of filling memory.
 */
import { createHash } from 'node:crypto';
import {
  ConnectorError,
  type ConnectTarget,
  FailureKind,
  type GetOptions,
  type GetResult,
} from '../connector.ts';
import { quote as quotePowerShell } from '../windows/powershell.ts';
import type { WsmanClient } from './client.ts';
import { type CommandSettings, runCommand } from './command.ts';
import { errorMessage } from './copy.ts';

/** Raw bytes per stdout line: 192 KiB of base64, as the copy to the host sends. */
export const READ_CHUNK_BYTES = 144 * 1024;
/** Exit codes of the read script besides 0 and PowerShell's 1. */
const EXIT_NO_FILE = 3;
const EXIT_TOO_LARGE = 4;
const EXIT_DIRECTORY = 5;
/** stderr kept for the error message. */
const STDERR_LIMIT = 16 * 1024;

/**
 * The read script. stdout: `#length <n>`, one base64 line per chunk, `#sha256 <hex>`. Exit 3 when
 * there is no such file, 5 when it is a directory, 4 (after the length) when it is over `maxBytes`.
 */
export function readScript(remotePath: string, maxBytes: number | undefined): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    `$path = ${quotePowerShell(remotePath)}`,
    `if ([IO.Directory]::Exists($path)) { exit ${EXIT_DIRECTORY} }`,
    `if (-not [IO.File]::Exists($path)) { exit ${EXIT_NO_FILE} }`,
    "$file = [IO.File]::Open($path, 'Open', 'Read', 'ReadWrite')",
    'try {',
    "  [Console]::Out.WriteLine('#length ' + $file.Length)",
    ...(maxBytes === undefined ? [] : [`  if ($file.Length -gt ${maxBytes}) { exit ${EXIT_TOO_LARGE} }`]),
    `  $buffer = [Array]::CreateInstance([byte], ${READ_CHUNK_BYTES})`,
    '  while ($true) {',
    '    $n = $file.Read($buffer, 0, $buffer.Length)',
    '    if ($n -eq 0) { break }',
    '    [Console]::Out.WriteLine([Convert]::ToBase64String($buffer, 0, $n))',
    '  }',
    '} finally {',
    '  $file.Dispose()',
    '}',
    "[Console]::Out.WriteLine('#sha256 ' + (Get-FileHash -Algorithm SHA256 -LiteralPath $path).Hash)",
    'exit 0',
  ].join('\n');
}

/** Splits stdout into lines and decodes them; throws what the copy must fail with. */
class ReadDecoder {
  private pending = Buffer.alloc(0);
  private readonly hash = createHash('sha256');
  bytes = 0;
  length: number | null = null;
  hostSha256: string | null = null;
  /** What onData threw: the copy fails with it as it is. */
  consumerFailure: { readonly error: unknown } | null = null;

  constructor(
    private readonly options: GetOptions,
    private readonly tooLarge: (size: string) => ConnectorError,
    private readonly malformed: (why: string) => ConnectorError,
  ) {}

  async push(chunk: Buffer): Promise<void> {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    for (let end = data.indexOf(10); end >= 0; end = data.indexOf(10)) {
      await this.line(data.subarray(0, end).toString('latin1').replace(/\r$/, ''));
      data = data.subarray(end + 1);
    }
    this.pending = Buffer.from(data);
  }

  /** The result, once stdout ended. */
  finish(): GetResult {
    if (this.pending.length > 0) throw this.malformed('the output ended inside a line');
    if (this.hostSha256 === null) throw this.malformed('no hash was reported');
    if (this.length !== null && this.bytes !== this.length) {
      throw this.malformed(`${this.bytes} bytes arrived of ${this.length}`);
    }
    return { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  private async line(text: string): Promise<void> {
    if (text === '') return;
    if (text.startsWith('#length ')) {
      this.length = Number(text.slice(8));
      const max = this.options.maxBytes;
      if (max !== undefined && this.length > max) throw this.tooLarge(`${this.length} bytes`);
      return;
    }
    if (text.startsWith('#sha256 ')) {
      this.hostSha256 = text.slice(8).trim().toLowerCase();
      return;
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || this.hostSha256 !== null) {
      throw this.malformed('a line was not base64 data');
    }
    const data = Buffer.from(text, 'base64');
    this.bytes += data.length;
    const max = this.options.maxBytes;
    if (max !== undefined && this.bytes > max) throw this.tooLarge('it grew while it was read');
    this.hash.update(data);
    try {
      await this.options.onData(data);
    } catch (error) {
      this.consumerFailure = { error };
      throw error;
    }
  }
}

export async function readFile(
  client: WsmanClient,
  target: ConnectTarget,
  remotePath: string,
  options: GetOptions,
  settings: CommandSettings,
): Promise<GetResult> {
  const doing = `copying ${remotePath} from ${target.name}`;
  const decoder = new ReadDecoder(
    options,
    (size) =>
      new ConnectorError(
        FailureKind.protocol,
        `${remotePath} on ${target.name} is larger than the limit of ${options.maxBytes} bytes (${size})`,
      ),
    (why) => new ConnectorError(FailureKind.protocol, `${target.name}: ${doing} failed: ${why}`),
  );
  let stderr = '';
  let exitCode: number | null;
  // The command gets one signal for both, so that the copy's own stop says what happened.
  const stop = new AbortController();
  let reason: 'timeout' | 'canceled' | null = null;
  const halt = (why: 'timeout' | 'canceled') => {
    reason ??= why;
    stop.abort();
  };
  const onAbort = () => halt('canceled');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) halt('canceled');
  const ms = options.timeoutMs;
  const timer = ms !== undefined ? setTimeout(() => halt('timeout'), ms) : undefined;
  try {
    ({ exitCode } = await runCommand(
      client,
      // The script is PowerShell whatever shell the host's commands use.
      { ...target, shell: 'powershell' },
      readScript(remotePath, options.maxBytes),
      {
        signal: stop.signal,
        onOutput: (stream, chunk) => {
          if (stream === 'stdout') return decoder.push(chunk);
          if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8');
        },
      },
      settings,
    ));
  } catch (error) {
    if (decoder.consumerFailure) throw decoder.consumerFailure.error;
    if (reason === 'canceled') throw new ConnectorError(FailureKind.canceled, `${doing} was canceled`);
    if (reason === 'timeout') {
      throw new ConnectorError(
        FailureKind.timeout,
        `${doing} took longer than its ${duration(ms ?? 0)} timeout and was stopped`,
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  switch (exitCode) {
    case 0:
      break;
    case EXIT_NO_FILE:
      throw new ConnectorError(FailureKind.protocol, `no such file on ${target.name}: ${remotePath}`);
    case EXIT_DIRECTORY:
      throw new ConnectorError(FailureKind.protocol, `${remotePath} on ${target.name} is not a regular file`);
    default: {
      const message = errorMessage(stderr) || `PowerShell exited with code ${exitCode}`;
      throw new ConnectorError(FailureKind.protocol, `${target.name}: ${doing} failed: ${message}`);
    }
  }
  const result = decoder.finish();
  if (decoder.hostSha256 !== result.sha256) {
    throw new ConnectorError(
      FailureKind.protocol,
      `${target.name}: ${remotePath} changed while it was read, or arrived damaged ` +
        `(sha256 on the host ${decoder.hostSha256}, received ${result.sha256}); discard what was received and try again`,
    );
  }
  return result;
}

/** 50 → `50 ms`, 1500 → `1.5 s`. */
function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
