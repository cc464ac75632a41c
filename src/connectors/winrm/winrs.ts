// WinRS (Windows Remote Shell) requests and response parsers: Create shell, Command, Send, Receive,
// Signal, Delete. Builders return the operation parts; the transport wraps them with buildEnvelope.
import { NS, type ParsedEnvelope, type WsmanOption, WsmanProtocolError, type WsmanRequest } from './soap.ts';
import { childElement, childElements, escapeXml, findElement, type XmlElement } from './xml.ts';

/** Resource URI of the classic cmd shell. */
export const SHELL_RESOURCE_URI = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';

/** WS-Addressing actions of the shell lifecycle. */
export const WINRS_ACTION = {
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  command: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command',
  send: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send',
  receive: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive',
  signal: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Signal',
} as const;

/** Signals a running command accepts. `terminate` kills the process; `ctrl_c` asks it to stop. */
export const WINRS_SIGNAL = {
  terminate: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/terminate',
  ctrl_c: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/ctrl_c',
  ctrl_break: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/ctrl_break',
} as const;

/** A signal name of {@link WINRS_SIGNAL}. */
export type WinrsSignal = keyof typeof WINRS_SIGNAL;

const COMMAND_STATE_DONE = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done';

/** UTF-8, so output bytes decode the same whatever the host's OEM code page. */
export const DEFAULT_CODEPAGE = 65001;

/** Options of a new shell. */
export interface CreateShellOptions {
  /** Console code page of the shell (WINRS_CODEPAGE); default {@link DEFAULT_CODEPAGE}. */
  readonly codepage?: number;
  /** Skip loading the user profile (WINRS_NOPROFILE); default true — faster, and jobs must not depend on it. */
  readonly noProfile?: boolean;
  /** Environment variables set in the shell. */
  readonly environment?: Readonly<Record<string, string>>;
  /** Starting directory of commands. */
  readonly workingDirectory?: string;
  /** Seconds of inactivity after which the server deletes the shell (IdleTimeOut). */
  readonly idleTimeoutSeconds?: number;
}

function bool(value: boolean): string {
  return value ? 'TRUE' : 'FALSE';
}

function duration(seconds: number, what: string): string {
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new RangeError(`${what} must be positive, got ${seconds}`);
  return `PT${Number(seconds.toFixed(3))}S`;
}

/** Create a cmd shell with stdin and stdout/stderr streams. */
export function createShellRequest(opts: CreateShellOptions = {}): WsmanRequest {
  const codepage = opts.codepage ?? DEFAULT_CODEPAGE;
  if (!Number.isInteger(codepage) || codepage <= 0) throw new RangeError(`invalid code page ${codepage}`);
  const options: WsmanOption[] = [
    { name: 'WINRS_NOPROFILE', value: bool(opts.noProfile ?? true) },
    { name: 'WINRS_CODEPAGE', value: String(codepage) },
  ];
  const parts = [
    '<rsp:InputStreams>stdin</rsp:InputStreams>',
    '<rsp:OutputStreams>stdout stderr</rsp:OutputStreams>',
  ];
  if (opts.idleTimeoutSeconds !== undefined) {
    parts.push(`<rsp:IdleTimeOut>${duration(opts.idleTimeoutSeconds, 'IdleTimeOut')}</rsp:IdleTimeOut>`);
  }
  if (opts.workingDirectory !== undefined) {
    parts.push(`<rsp:WorkingDirectory>${escapeXml(opts.workingDirectory)}</rsp:WorkingDirectory>`);
  }
  const env = Object.entries(opts.environment ?? {});
  if (env.length > 0) {
    const vars = env.map(([k, v]) => `<rsp:Variable Name="${escapeXml(k)}">${escapeXml(v)}</rsp:Variable>`);
    parts.push(`<rsp:Environment>${vars.join('')}</rsp:Environment>`);
  }
  return {
    action: WINRS_ACTION.create,
    resourceUri: SHELL_RESOURCE_URI,
    options,
    body: `<rsp:Shell>${parts.join('')}</rsp:Shell>`,
  };
}

/** A command to start in a shell. */
export interface CommandOptions {
  readonly shellId: string;
  /** The program, or a whole command line (Windows joins Command and Arguments with spaces). */
  readonly command: string;
  readonly arguments?: readonly string[];
  /**
   * WINRS_CONSOLEMODE_STDIN; default true. Pass false when the command reads data sent with Send:
   * stdin is then a plain pipe, without console line editing or line-length limits.
   */
  readonly consoleModeStdin?: boolean;
  /** WINRS_SKIP_CMD_SHELL: start the program directly instead of through `cmd.exe /c`; default false. */
  readonly skipCmdShell?: boolean;
}

/** Start a command in a shell. */
export function commandRequest(opts: CommandOptions): WsmanRequest {
  const args = (opts.arguments ?? []).map((a) => `<rsp:Arguments>${escapeXml(a)}</rsp:Arguments>`).join('');
  return {
    action: WINRS_ACTION.command,
    resourceUri: SHELL_RESOURCE_URI,
    selectors: { ShellId: opts.shellId },
    options: [
      { name: 'WINRS_CONSOLEMODE_STDIN', value: bool(opts.consoleModeStdin ?? true) },
      { name: 'WINRS_SKIP_CMD_SHELL', value: bool(opts.skipCmdShell ?? false) },
    ],
    body: `<rsp:CommandLine><rsp:Command>${escapeXml(opts.command)}</rsp:Command>${args}</rsp:CommandLine>`,
  };
}

/** Ask for pending output of a command; the server answers when there is some or OperationTimeout passes. */
export function receiveRequest(opts: { readonly shellId: string; readonly commandId: string }): WsmanRequest {
  return {
    action: WINRS_ACTION.receive,
    resourceUri: SHELL_RESOURCE_URI,
    selectors: { ShellId: opts.shellId },
    // Every Receive counts as activity, so a long-running command's shell does not idle out.
    options: [{ name: 'WSMAN_CMDSHELL_OPTION_KEEPALIVE', value: 'TRUE' }],
    body: `<rsp:Receive><rsp:DesiredStream CommandId="${escapeXml(opts.commandId)}">stdout stderr</rsp:DesiredStream></rsp:Receive>`,
  };
}

/** Send a chunk of stdin; `end` closes the command's stdin after it. */
export function sendRequest(opts: {
  readonly shellId: string;
  readonly commandId: string;
  readonly data: Uint8Array;
  readonly end?: boolean;
}): WsmanRequest {
  const end = opts.end ? ' End="true"' : '';
  const data = Buffer.from(opts.data.buffer, opts.data.byteOffset, opts.data.byteLength).toString('base64');
  return {
    action: WINRS_ACTION.send,
    resourceUri: SHELL_RESOURCE_URI,
    selectors: { ShellId: opts.shellId },
    body: `<rsp:Send><rsp:Stream Name="stdin" CommandId="${escapeXml(opts.commandId)}"${end}>${data}</rsp:Stream></rsp:Send>`,
  };
}

/** Send a signal to a command (`terminate` to kill it; also what releases a finished command's resources). */
export function signalRequest(opts: {
  readonly shellId: string;
  readonly commandId: string;
  readonly signal: WinrsSignal;
}): WsmanRequest {
  return {
    action: WINRS_ACTION.signal,
    resourceUri: SHELL_RESOURCE_URI,
    selectors: { ShellId: opts.shellId },
    body: `<rsp:Signal CommandId="${escapeXml(opts.commandId)}"><rsp:Code>${WINRS_SIGNAL[opts.signal]}</rsp:Code></rsp:Signal>`,
  };
}

/** Delete a shell, ending every command still running in it. */
export function deleteShellRequest(opts: { readonly shellId: string }): WsmanRequest {
  return {
    action: WINRS_ACTION.delete,
    resourceUri: SHELL_RESOURCE_URI,
    selectors: { ShellId: opts.shellId },
    body: '',
  };
}

/** A parsed response, or just its `s:Body`. */
export type ResponseBody = ParsedEnvelope | XmlElement;

function bodyOf(response: ResponseBody): XmlElement {
  return 'body' in response ? response.body : response;
}

function requiredText(el: XmlElement | undefined, what: string): string {
  const text = el?.text.trim();
  if (!text) throw new WsmanProtocolError(`response has no ${what}`);
  return text;
}

/** Shell id from a Create response body: `rsp:Shell/rsp:ShellId`, else the ResourceCreated `ShellId` selector. */
export function parseShellId(response: ResponseBody): string {
  const body = bodyOf(response);
  const shell = childElement(body, 'Shell', NS.rsp);
  const id = shell && childElement(shell, 'ShellId', NS.rsp)?.text.trim();
  if (id) return id;
  const created = childElement(body, 'ResourceCreated', NS.x);
  const selectorSet = created && findElement(created, 'SelectorSet', NS.w);
  const selector =
    selectorSet && childElements(selectorSet, 'Selector', NS.w).find((s) => s.attrs.Name === 'ShellId');
  return requiredText(selector, 'ShellId');
}

/** Command id from a Command response body (`rsp:CommandResponse/rsp:CommandId`). */
export function parseCommandId(response: ResponseBody): string {
  const answer = childElement(bodyOf(response), 'CommandResponse', NS.rsp);
  return requiredText(answer && childElement(answer, 'CommandId', NS.rsp), 'CommandId');
}

/** One piece of output, in the order the server reported it. */
export interface OutputChunk {
  readonly stream: 'stdout' | 'stderr';
  readonly data: Buffer;
}

/** What one Receive returned. */
export interface ReceiveResult {
  /** Non-empty output chunks; streams interleave in server order. */
  readonly chunks: OutputChunk[];
  /** The command finished (CommandState Done); no more output will come. */
  readonly done: boolean;
  /** Exit code when done (unsigned, as Windows reports a DWORD: -1 is 4294967295); otherwise null. */
  readonly exitCode: number | null;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Output and state from a Receive response body; `commandId` (when given) ignores other commands' streams. */
export function parseReceive(answer: ResponseBody, commandId?: string): ReceiveResult {
  const response = childElement(bodyOf(answer), 'ReceiveResponse', NS.rsp);
  if (!response) throw new WsmanProtocolError('response has no ReceiveResponse');
  const mine = (el: XmlElement): boolean =>
    commandId === undefined || el.attrs.CommandId === undefined || sameId(el.attrs.CommandId, commandId);
  const chunks: OutputChunk[] = [];
  for (const stream of childElements(response, 'Stream', NS.rsp)) {
    const name = stream.attrs.Name;
    if ((name !== 'stdout' && name !== 'stderr') || !mine(stream)) continue;
    const text = stream.text.replace(/\s+/g, '');
    if (text.length % 4 !== 0 || !BASE64.test(text)) {
      throw new WsmanProtocolError(`${name} stream data is not base64`);
    }
    if (text) chunks.push({ stream: name, data: Buffer.from(text, 'base64') });
  }
  const state = childElements(response, 'CommandState', NS.rsp).find(mine);
  const done = state?.attrs.State === COMMAND_STATE_DONE;
  let exitCode: number | null = null;
  if (done && state) {
    const raw = childElement(state, 'ExitCode', NS.rsp)?.text.trim();
    if (raw !== undefined) {
      if (!/^-?\d+$/.test(raw)) throw new WsmanProtocolError(`ExitCode '${raw}' is not a number`);
      exitCode = Number(raw);
    }
  }
  return { chunks, done, exitCode };
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
