/**
 * WS-Management requests to one host over a small set of authenticated keep-alive connections.
 * A request takes an idle connection (or opens one), so a Signal sent while a Receive is blocked
 * travels on its own connection instead of queueing behind it.
 */
import { type HttpEndpoint, type Tunnel, type WinrmAuthOptions, WinrmConnection } from './http.ts';
import { WinrmHttpError } from './http-errors.ts';
import {
  buildEnvelope,
  type ParsedEnvelope,
  parseEnvelope,
  WsmanProtocolError,
  type WsmanRequest,
} from './soap.ts';

export interface WsmanClientOptions {
  readonly endpoint: HttpEndpoint;
  readonly auth: WinrmAuthOptions;
  /** Connections kept to the host at most; each carries one request at a time. */
  readonly maxConnections: number;
  /** Upper bound on the envelope the host may send back (WinRM's MaxEnvelopeSize, bytes). */
  readonly maxEnvelopeSize: number;
  readonly locale: string;
  /** Open each connection through this (a bastion) instead of a TCP connection of our own. */
  readonly tunnel?: Tunnel | undefined;
}

export interface CallOptions {
  /** WS-Man OperationTimeout, seconds (≤ 60). The HTTP request waits a little longer. */
  readonly operationTimeoutS: number;
  readonly signal?: AbortSignal | undefined;
}

/** Margin on top of OperationTimeout before the HTTP request itself is abandoned. */
const HTTP_GRACE_MS = 15_000;

export class WsmanClient {
  private readonly idle: WinrmConnection[] = [];
  private readonly all = new Set<WinrmConnection>();
  private readonly waiting: Array<(c: WinrmConnection) => void> = [];
  private closed = false;

  constructor(private readonly options: WsmanClientOptions) {}

  get url(): string {
    const e = this.options.endpoint;
    return `${e.https ? 'https' : 'http'}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}${e.path}`;
  }

  /**
   * Sends a request and returns the parsed answer. Throws `WsmanFault` for a SOAP fault,
   * `WsmanProtocolError` for an answer that is not WS-Man (or answers another request), and
   * `WinrmHttpError` for transport and authentication failures.
   */
  async call(parts: WsmanRequest, options: CallOptions): Promise<ParsedEnvelope> {
    const { xml, messageId } = buildEnvelope({
      ...parts,
      to: this.url,
      operationTimeoutSeconds: options.operationTimeoutS,
      maxEnvelopeSize: this.options.maxEnvelopeSize,
      locale: this.options.locale,
    });
    const connection = await this.acquire();
    let healthy = false;
    try {
      const { status, soap } = await connection.send(xml, {
        timeoutMs: options.operationTimeoutS * 1000 + HTTP_GRACE_MS,
        signal: options.signal,
      });
      healthy = true;
      if (soap.length === 0) {
        throw new WsmanProtocolError(`the host answered HTTP ${status} with an empty body`);
      }
      // parseEnvelope throws the fault of a fault answer (HTTP 500 on Windows).
      const answer = parseEnvelope(soap.toString('utf8'), messageId);
      if (status >= 300) throw new WsmanProtocolError(`the host answered HTTP ${status} without a fault`);
      return answer;
    } finally {
      this.release(connection, healthy);
    }
  }

  close(): void {
    this.closed = true;
    for (const c of this.all) c.close();
    this.all.clear();
    this.idle.length = 0;
  }

  private async acquire(): Promise<WinrmConnection> {
    if (this.closed) throw new WinrmHttpError('closed', this.options.endpoint, 'the session is closed');
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.all.size < this.options.maxConnections) {
      const c = new WinrmConnection(this.options.endpoint, this.options.auth, this.options.tunnel);
      this.all.add(c);
      return c;
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A connection whose request failed at the transport is dropped, not reused. */
  private release(connection: WinrmConnection, healthy: boolean): void {
    if (!healthy || this.closed) {
      connection.close();
      this.all.delete(connection);
      if (!this.closed && this.waiting.length > 0) {
        const c = new WinrmConnection(this.options.endpoint, this.options.auth, this.options.tunnel);
        this.all.add(c);
        this.waiting.shift()?.(c);
      }
      return;
    }
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }
}
