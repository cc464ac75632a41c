/**
 * The WinRS shell plugin: Create, Command, Receive (long poll), Send, Signal and Delete on
 * `…/windows/shell/cmd`, answering in the element structure Windows uses.
 */
import { randomUUID } from 'node:crypto';
import { WinrsCommand } from './command.ts';
import { faults } from './faults.ts';
import type { ShimOptions } from './shim/index.ts';
import type { MutableStats } from './stats.ts';
import { ACTIONS, CMD_RESOURCE_URI, NS, responseEnvelope, WsmanFault, type WsmanRequest } from './wsman.ts';
import { child, childrenNamed, escapeXml } from './xml.ts';

const STATE_DONE = `${NS.shell}/CommandState/Done`;
const STATE_RUNNING = `${NS.shell}/CommandState/Running`;
const SIGNAL_PREFIX = `${NS.shell}/signal/`;
/** Windows fills Receive responses until about this much output; the rest waits for the next one. */
const RECEIVE_CHUNK_LIMIT = 64 * 1024;
/** After the first output arrives, a Receive waits this long for more, as WinRS batches output. */
const COALESCE_MS = 25;

export interface RequestContext {
  /** The authenticated account (without domain), as Windows shows it in rsp:Owner. */
  readonly user: string;
  readonly clientIp: string;
  /** The endpoint URL the client used (for x:ResourceCreated/a:Address). */
  readonly address: string;
}

export interface WinrsOptions {
  readonly computerName: string;
  readonly shim: ShimOptions;
  /** Upper bound on a Receive long poll, below the client's OperationTimeout to keep tests fast. */
  readonly receiveWaitCapMs: number;
  /** Answer this many Receives with w:TimedOut before serving output. */
  readonly timedOutReceives: number;
}

interface Shell {
  readonly id: string;
  readonly owner: string;
  readonly codepage: number;
  readonly env: Readonly<Record<string, string>>;
  readonly commands: Map<string, WinrsCommand>;
}

export class Winrs {
  readonly #shells = new Map<string, Shell>();
  /** Commands whose process trees may outlive their shell record, for stats and close(). */
  readonly #allCommands = new Set<WinrsCommand>();
  #timedOutLeft: number;

  constructor(
    private readonly options: WinrsOptions,
    private readonly stats: MutableStats,
  ) {
    this.#timedOutLeft = options.timedOutReceives;
  }

  get openShells(): number {
    return this.#shells.size;
  }

  get runningProcesses(): number {
    let n = 0;
    for (const c of this.#allCommands) n += c.processes.running;
    return n;
  }

  /** Kills everything (server close). */
  closeAll(): void {
    for (const c of this.#allCommands) c.terminate();
    this.#shells.clear();
  }

  async handle(req: WsmanRequest, ctx: RequestContext): Promise<string> {
    const reply = (action: string, body: string) =>
      responseEnvelope(`${action}Response`, req.messageId, body);
    switch (req.action) {
      case 'create':
        return reply(ACTIONS.create, this.#create(req, ctx));
      case 'delete':
        this.#delete(req);
        return reply(ACTIONS.delete, '');
      case 'command':
        return reply(ACTIONS.command, this.#command(req, ctx));
      case 'receive':
        return reply(ACTIONS.receive, await this.#receive(req));
      case 'send':
        this.#send(req);
        return reply(ACTIONS.send, '<rsp:SendResponse/>');
      case 'signal':
        this.#signal(req);
        return reply(ACTIONS.signal, '<rsp:SignalResponse/>');
    }
  }

  /** The body of a CreateResponse for a shell that is not registered (fault injection). */
  phantomCreateBody(ctx: RequestContext): string {
    return createdBody(randomUUID().toUpperCase(), ctx, 'PT7200.000S');
  }

  #create(req: WsmanRequest, ctx: RequestContext): string {
    const shellEl = req.body;
    if (!shellEl || shellEl.ns !== NS.shell || shellEl.name !== 'Shell') {
      throw new WsmanFault(faults.invalidParameter(), req.messageId);
    }
    const codepage = Number(req.options.get('WINRS_CODEPAGE') ?? 437);
    const env: Record<string, string> = {
      ...baseEnv(),
      COMPUTERNAME: this.options.computerName,
      USERDOMAIN: this.options.computerName,
      USERNAME: ctx.user,
      PROCESSOR_ARCHITECTURE: 'AMD64',
    };
    for (const v of childrenNamed(child(shellEl, NS.shell, 'Environment'), NS.shell, 'Variable')) {
      env[v.attrs.Name ?? ''] = v.text;
    }
    const idle = child(shellEl, NS.shell, 'IdleTimeOut')?.text.trim() ?? 'PT7200.000S';
    const id = randomUUID().toUpperCase();
    this.#shells.set(id, { id, owner: ctx.user, codepage, env, commands: new Map() });
    this.stats.shellsCreated += 1;
    return createdBody(id, ctx, idle);
  }

  #shell(req: WsmanRequest): Shell {
    const id = req.selectors.get('ShellId') ?? '';
    const shell = this.#shells.get(id.toUpperCase());
    if (!shell) throw new WsmanFault(faults.unknownShell(id), req.messageId);
    return shell;
  }

  #commandOf(req: WsmanRequest, shell: Shell, commandId: string | undefined): WinrsCommand {
    const command = commandId === undefined ? undefined : shell.commands.get(commandId.toUpperCase());
    if (!command) throw new WsmanFault(faults.unknownCommand(), req.messageId);
    return command;
  }

  #delete(req: WsmanRequest): void {
    const shell = this.#shell(req);
    for (const c of shell.commands.values()) c.terminate();
    this.#shells.delete(shell.id);
    this.stats.shellsDeleted += 1;
  }

  #command(req: WsmanRequest, ctx: RequestContext): string {
    const shell = this.#shell(req);
    const line = req.body;
    if (!line || line.ns !== NS.shell || line.name !== 'CommandLine') {
      throw new WsmanFault(faults.invalidParameter(), req.messageId);
    }
    const command = child(line, NS.shell, 'Command')?.text.trim() ?? '';
    const args = childrenNamed(line, NS.shell, 'Arguments').map((a) => a.text);
    const skipCmd = (req.options.get('WINRS_SKIP_CMD_SHELL') ?? '').toLowerCase() === 'true';
    // Without cmd.exe there is no PATH search and no builtins: recorded as w:InternalError.
    if (command === '' || (skipCmd && !/[\\/]/.test(command))) {
      throw new WsmanFault(faults.internalError(), req.messageId);
    }
    const commandLine = [command, ...args].join(' ');
    const cmd = new WinrsCommand({
      commandLine,
      identity: `${this.options.computerName}\\${ctx.user}`.toLowerCase(),
      computerName: this.options.computerName,
      codepage: shell.codepage,
      env: shell.env,
      shim: this.options.shim,
    });
    shell.commands.set(cmd.id, cmd);
    this.#allCommands.add(cmd);
    this.stats.commandsStarted += 1;
    this.stats.commands.push({ shellId: shell.id, commandId: cmd.id, commandLine });
    return `<rsp:CommandResponse><rsp:CommandId>${cmd.id}</rsp:CommandId></rsp:CommandResponse>`;
  }

  async #receive(req: WsmanRequest): Promise<string> {
    const shell = this.#shell(req);
    const desired = child(req.body, NS.shell, 'DesiredStream');
    const cmd = this.#commandOf(req, shell, desired?.attrs.CommandId);
    this.stats.receives += 1;
    if (this.#timedOutLeft > 0) {
      this.#timedOutLeft -= 1;
      throw new WsmanFault(faults.timedOut(), req.messageId);
    }
    const wait = Math.min(req.operationTimeoutMs ?? 60_000, this.options.receiveWaitCapMs);
    await cmd.waitForOutput(wait);
    if (!cmd.hasOutput && cmd.exitCode === undefined) throw new WsmanFault(faults.timedOut(), req.messageId);
    if (cmd.exitCode === undefined) await new Promise((r) => setTimeout(r, COALESCE_MS));
    // Stay under the client's MaxEnvelopeSize: base64 grows by 4/3, plus the envelope itself.
    const budget = Math.min(RECEIVE_CHUNK_LIMIT, Math.floor(((req.maxEnvelopeSize - 4096) * 3) / 4 / 1.1));
    const { chunks, done } = cmd.take(budget);
    const id = cmd.id;
    let body = '<rsp:ReceiveResponse>';
    for (const c of chunks) {
      body += `<rsp:Stream Name="${c.stream}" CommandId="${id}">${c.data.toString('base64')}</rsp:Stream>`;
    }
    if (done) {
      body +=
        `<rsp:Stream Name="stdout" CommandId="${id}" End="true"></rsp:Stream>` +
        `<rsp:Stream Name="stderr" CommandId="${id}" End="true"></rsp:Stream>` +
        `<rsp:CommandState CommandId="${id}" State="${STATE_DONE}"><rsp:ExitCode>${cmd.exitCode}</rsp:ExitCode></rsp:CommandState>`;
    } else {
      body += `<rsp:CommandState CommandId="${id}" State="${STATE_RUNNING}"></rsp:CommandState>`;
    }
    return `${body}</rsp:ReceiveResponse>`;
  }

  #send(req: WsmanRequest): void {
    const shell = this.#shell(req);
    const streams = childrenNamed(req.body, NS.shell, 'Stream');
    if (req.body?.name !== 'Send' || streams.length === 0) {
      throw new WsmanFault(faults.invalidParameter(), req.messageId);
    }
    for (const s of streams) {
      const cmd = this.#commandOf(req, shell, s.attrs.CommandId);
      const end = (s.attrs.End ?? '').toLowerCase() === 'true';
      cmd.stdin.push(Buffer.from(s.text.trim(), 'base64'), end);
    }
  }

  #signal(req: WsmanRequest): void {
    const shell = this.#shell(req);
    const signal = req.body;
    if (signal?.ns !== NS.shell || signal.name !== 'Signal') {
      throw new WsmanFault(faults.invalidParameter(), req.messageId);
    }
    const cmd = this.#commandOf(req, shell, signal.attrs.CommandId);
    const code = child(signal, NS.shell, 'Code')?.text.trim() ?? '';
    const short = code.startsWith(SIGNAL_PREFIX) ? code.slice(SIGNAL_PREFIX.length) : code;
    this.stats.signals[short] = (this.stats.signals[short] ?? 0) + 1;
    if (short === 'terminate') {
      cmd.terminate();
      shell.commands.delete(cmd.id);
    } else if (short === 'ctrl_c' || short === 'ctrl_break') {
      cmd.ctrlC();
    } else {
      throw new WsmanFault(faults.invalidParameter(), req.messageId);
    }
  }
}

function createdBody(id: string, ctx: RequestContext, idle: string): string {
  return (
    `<x:ResourceCreated><a:Address>${escapeXml(ctx.address)}</a:Address><a:ReferenceParameters>` +
    `<w:ResourceURI>${CMD_RESOURCE_URI}</w:ResourceURI><w:SelectorSet><w:Selector Name="ShellId">${id}</w:Selector>` +
    `</w:SelectorSet></a:ReferenceParameters></x:ResourceCreated><rsp:Shell xmlns:rsp="${NS.shell}">` +
    `<rsp:ShellId>${id}</rsp:ShellId><rsp:ResourceUri>${CMD_RESOURCE_URI}</rsp:ResourceUri>` +
    `<rsp:Owner>${escapeXml(ctx.user)}</rsp:Owner><rsp:ClientIP>${escapeXml(ctx.clientIp)}</rsp:ClientIP>` +
    `<rsp:IdleTimeOut>${escapeXml(idle)}</rsp:IdleTimeOut><rsp:InputStreams>stdin</rsp:InputStreams>` +
    '<rsp:OutputStreams>stdout stderr</rsp:OutputStreams><rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime>' +
    '<rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity></rsp:Shell>'
  );
}

/** What shimmed commands inherit from the server: enough to find programs, nothing else. */
function baseEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const v = process.env[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
