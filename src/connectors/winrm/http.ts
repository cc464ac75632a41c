/**
 * One keep-alive HTTP connection to a WinRM listener and the authentication bound to it.
 *
 * NTLM authenticates a TCP connection, not a request, and its sealing context lives exactly as
 * long as that socket: so each `WinrmConnection` owns an agent limited to one socket, runs the
 * handshake on it, and re-authenticates when the server closed it. Over HTTP every body is
 * sealed (`multipart/encrypted`); over HTTPS the body is plain and the NTLM response is bound to
 * the server's certificate (channel binding), as Windows' CBT hardening expects.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { ConnectorError } from '../connector.ts';
import { decryptMessage, encryptMessage } from './encryption.ts';
import { type HttpEndpoint, WinrmHttpError } from './http-errors.ts';
import { NtlmClient, type NtlmSecurity } from './ntlm/index.ts';

export type { HttpEndpoint } from './http-errors.ts';

export interface WinrmAuthOptions {
  readonly kind: 'negotiate' | 'basic';
  readonly username: string;
  readonly domain: string;
  readonly password: string;
  /** Send plain SOAP over HTTP (Basic, or Negotiate without sealing); the host must allow it. */
  readonly allowUnencrypted: boolean;
}

export interface RequestOptions {
  /** Give up (and destroy the socket) after this long. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly socket: net.Socket;
}

/** Opens the byte stream one HTTP connection runs over (a channel a bastion forwarded). */
export type Tunnel = () => Promise<Duplex>;

const SOAP_TYPE = 'application/soap+xml;charset=UTF-8';

/**
 * A forwarded channel as the socket of an HTTP agent: the socket methods the agent and the
 * request call exist and do nothing (keep-alive and Nagle are the bastion's TCP socket's business).
 */
function asSocket(stream: Duplex): net.Socket {
  const s = stream as Duplex & Record<string, unknown>;
  for (const name of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) {
    if (typeof s[name] !== 'function') s[name] = () => s;
  }
  return s as unknown as net.Socket;
}

/** Makes `agent` open its connections through `tunnel` (TLS on top of it for HTTPS). */
function tunnelAgent(agent: http.Agent, tunnel: Tunnel, endpoint: HttpEndpoint): void {
  type Create = (options: tls.ConnectionOptions, cb: (e: Error | null, s?: net.Socket) => void) => undefined;
  (agent as unknown as { createConnection: Create }).createConnection = (options, cb) => {
    tunnel().then(
      (stream) => {
        if (!endpoint.https) return cb(null, asSocket(stream));
        const secure = tls.connect({ ...options, socket: asSocket(stream) });
        cb(null, secure);
      },
      (error: Error) => cb(error),
    );
    return undefined;
  };
}
/** Responses larger than this are not WinRM (MaxEnvelopeSize is far below). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export class WinrmConnection {
  private readonly agent: http.Agent;
  private security: NtlmSecurity | null = null;
  private authenticatedSocket: net.Socket | null = null;
  private closed = false;

  constructor(
    private readonly endpoint: HttpEndpoint,
    private readonly auth: WinrmAuthOptions,
    tunnel?: Tunnel,
  ) {
    const options = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1, scheduling: 'lifo' as const };
    this.agent = endpoint.https
      ? new https.Agent({
          ...options,
          ca: endpoint.caCert ? [...tls.rootCertificates, endpoint.caCert] : undefined,
          rejectUnauthorized: !endpoint.skipVerify,
        })
      : new http.Agent(options);
    if (tunnel) tunnelAgent(this.agent, tunnel, endpoint);
  }

  /** Whether sealing applies: NTLM over plain HTTP, unless the host accepts unencrypted bodies. */
  private get sealing(): boolean {
    return this.auth.kind === 'negotiate' && !this.endpoint.https && !this.auth.allowUnencrypted;
  }

  /** Sends one SOAP envelope and returns the SOAP text of the answer, with its HTTP status. */
  async send(soap: string, options: RequestOptions): Promise<{ status: number; soap: Buffer }> {
    if (this.closed) throw new WinrmHttpError('closed', this.endpoint, 'the connection is closed');
    if (this.auth.kind === 'basic') return this.plain(await this.post(soap, this.basicHeader(), options));
    // A context is lost with its socket (idle keep-alive closed by the server): authenticate anew.
    for (let attempt = 0; ; attempt++) {
      if (!this.security || !this.socketAlive()) await this.handshake(options);
      const response = await this.exchange(soap, options);
      if (response.status !== 401) return response;
      this.security = null;
      if (attempt >= 1) {
        throw new WinrmHttpError('auth', this.endpoint, 'the host rejected the authenticated connection');
      }
    }
  }

  close(): void {
    this.closed = true;
    this.agent.destroy();
  }

  private socketAlive(): boolean {
    const s = this.authenticatedSocket;
    return s !== null && !s.destroyed && s.writable;
  }

  private basicHeader(): Record<string, string> {
    const user = this.auth.domain ? `${this.auth.domain}\\${this.auth.username}` : this.auth.username;
    return { authorization: `Basic ${Buffer.from(`${user}:${this.auth.password}`).toString('base64')}` };
  }

  /** NEGOTIATE → CHALLENGE → AUTHENTICATE, on one socket. */
  private async handshake(options: RequestOptions): Promise<void> {
    this.security = null;
    const client = new NtlmClient({
      username: this.auth.username,
      domain: this.auth.domain,
      password: this.auth.password,
    });
    const first = await this.post(
      '',
      { authorization: `Negotiate ${client.negotiate().toString('base64')}` },
      options,
    );
    const challenge = negotiateToken(first.headers['www-authenticate']);
    if (first.status !== 401 || !challenge) throw this.unexpected(first, 'an NTLM challenge');
    const bindings = this.endpoint.https ? channelBindings(first.socket) : undefined;
    const { message, security } = client.authenticate(challenge, { channelBindings: bindings });
    const second = await this.post('', { authorization: `Negotiate ${message.toString('base64')}` }, options);
    if (second.status === 401) {
      throw new WinrmHttpError(
        'auth',
        this.endpoint,
        `the host rejected the user name or password for ${this.auth.domain ? `${this.auth.domain}\\` : ''}${this.auth.username}`,
      );
    }
    if (second.status >= 300) throw this.unexpected(second, 'the end of the NTLM handshake');
    if (second.socket !== first.socket) {
      throw new WinrmHttpError(
        'protocol',
        this.endpoint,
        'the host closed the connection during authentication',
      );
    }
    this.security = security;
    this.authenticatedSocket = second.socket;
  }

  private async exchange(soap: string, options: RequestOptions): Promise<{ status: number; soap: Buffer }> {
    const security = this.security;
    if (!security) throw new WinrmHttpError('protocol', this.endpoint, 'not authenticated');
    if (!this.sealing) {
      const response = await this.post(soap, {}, options);
      // The context went with a closed socket: `send` authenticates again.
      return response.status === 401 ? { status: 401, soap: Buffer.alloc(0) } : this.plain(response);
    }
    const { body, contentType } = encryptMessage(security, Buffer.from(soap, 'utf8'));
    const response = await this.post(body, { 'content-type': contentType }, options);
    if (response.status === 401) return { status: 401, soap: Buffer.alloc(0) };
    const type = String(response.headers['content-type'] ?? '');
    if (!type.toLowerCase().startsWith('multipart/encrypted')) {
      if (response.body.length === 0 && response.status >= 400)
        throw this.unexpected(response, 'a WinRM answer');
      throw new WinrmHttpError(
        'protocol',
        this.endpoint,
        `the host answered HTTP ${response.status} without encryption (${type || 'no content type'}); it is not speaking WinRM with message encryption`,
      );
    }
    try {
      return { status: response.status, soap: decryptMessage(security, response.body, type) };
    } catch (error) {
      // A context that failed once cannot be trusted for the next message either.
      this.security = null;
      response.socket.destroy();
      throw new WinrmHttpError(
        'protocol',
        this.endpoint,
        `the answer could not be decrypted: ${(error as Error).message}`,
      );
    }
  }

  private plain(response: RawResponse): { status: number; soap: Buffer } {
    if (response.status === 401) {
      throw new WinrmHttpError(
        'auth',
        this.endpoint,
        `the host rejected the user name or password for ${this.auth.username} (${this.auth.kind})`,
      );
    }
    const type = String(response.headers['content-type'] ?? '').toLowerCase();
    if (!type.startsWith('application/soap+xml')) throw this.unexpected(response, 'a SOAP answer');
    return { status: response.status, soap: response.body };
  }

  private unexpected(response: RawResponse, wanted: string): WinrmHttpError {
    if (response.status === 401) {
      const offered = String(response.headers['www-authenticate'] ?? 'nothing');
      return new WinrmHttpError(
        'auth',
        this.endpoint,
        `the host refused ${this.auth.kind} authentication (it offers: ${offered.slice(0, 80)})`,
      );
    }
    const type = String(response.headers['content-type'] ?? 'no content type');
    return new WinrmHttpError(
      'protocol',
      this.endpoint,
      `expected ${wanted}, got HTTP ${response.status} (${type.split(';')[0]}); is this a WinRM listener?`,
    );
  }

  private post(
    body: string | Buffer,
    headers: Record<string, string>,
    options: RequestOptions,
  ): Promise<RawResponse> {
    const { endpoint } = this;
    const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const lib = endpoint.https ? https : http;
    return new Promise<RawResponse>((resolve, reject) => {
      const request = lib.request({
        agent: this.agent,
        host: endpoint.host,
        port: endpoint.port,
        path: endpoint.path,
        method: 'POST',
        servername: endpoint.https && !/^[\d.:[\]]+$/.test(endpoint.host) ? endpoint.host : undefined,
        headers: {
          'content-type': SOAP_TYPE,
          'content-length': String(data.length),
          'user-agent': 'orca',
          ...headers,
        },
        signal: options.signal,
      });
      const timer = setTimeout(() => {
        request.destroy(new WinrmHttpError('timeout', endpoint, `no answer within ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      let socket: net.Socket | null = null;
      request.on('socket', (s: net.Socket) => {
        socket = s;
        s.setNoDelay(true);
      });
      request.on('error', (error) => {
        clearTimeout(timer);
        // A bastion's failure (forwarding refused, its connection gone) keeps its own kind and name.
        reject(
          error instanceof ConnectorError ? error : WinrmHttpError.from(error, endpoint, options.signal),
        );
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            request.destroy(
              new WinrmHttpError('protocol', endpoint, 'the answer is far larger than any WinRM message'),
            );
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', () => {});
        response.on('aborted', () => {
          clearTimeout(timer);
          reject(new WinrmHttpError('protocol', endpoint, 'the host closed the connection mid-answer'));
        });
        response.on('end', () => {
          clearTimeout(timer);
          if (!response.complete) {
            reject(new WinrmHttpError('protocol', endpoint, 'the answer was cut short'));
            return;
          }
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
            // Captured at assignment: the response lets go of it once the agent takes it back.
            socket: socket ?? response.socket,
          });
        });
      });
      request.end(data);
    });
  }
}

/** The NTLM token in `WWW-Authenticate: Negotiate <base64>`, if any. */
function negotiateToken(header: string | undefined): Buffer | null {
  const match = /(?:^|,)\s*(?:Negotiate|NTLM)\s+([A-Za-z0-9+/=]+)/i.exec(header ?? '');
  return match?.[1] ? Buffer.from(match[1], 'base64') : null;
}

/**
 * The `tls-server-end-point` channel binding (RFC 5929) of the server certificate, as a
 * gss_channel_bindings_struct: empty addresses, then the application data.
 */
function channelBindings(socket: net.Socket): Buffer | undefined {
  if (!(socket instanceof tls.TLSSocket)) return undefined;
  const certificate = socket.getPeerX509Certificate();
  if (!certificate) return undefined;
  // RFC 5929 names the certificate's signature hash (SHA-256 for MD5/SHA-1); Node 20 does not
  // expose it, and SHA-256 is what nearly every certificate is signed with.
  const hash = createHash('sha256').update(certificate.raw).digest();
  const application = Buffer.concat([Buffer.from('tls-server-end-point:'), hash]);
  const header = Buffer.alloc(20);
  header.writeUInt32LE(application.length, 16);
  return Buffer.concat([header, application]);
}
