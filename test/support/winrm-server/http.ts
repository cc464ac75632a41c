/**
 * The HTTP side of the WinRM listener: authentication, message encryption, the
 * AllowUnencrypted rule, SOAP dispatch and injected faults.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { decryptMessage, encryptMessage } from '../../../src/connectors/winrm/encryption.ts';
import { NtlmError } from '../../../src/connectors/winrm/ntlm/index.ts';
import type { Authenticator } from './auth.ts';
import { faults } from './faults.ts';
import type { MutableStats } from './stats.ts';
import type { Winrs } from './winrs.ts';
import {
  ACTIONS,
  faultEnvelope,
  parseRequest,
  responseEnvelope,
  WsmanFault,
  type WsmanRequest,
} from './wsman.ts';

/** Fault injections; each applies to the FIRST Create (shell) response only, see WinrmServerOptions. */
export interface FaultOptions {
  readonly garbleSoap?: boolean;
  readonly truncateSoap?: boolean;
  readonly corruptSignature?: boolean;
  readonly http500Fault?: boolean;
}

export interface HttpConfig {
  readonly computerName: string;
  readonly allowUnencrypted: boolean;
  readonly tls: boolean;
  readonly faults: FaultOptions;
}

const SOAP_CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';
const MAX_BODY = 4 * 1024 * 1024;

interface Reply {
  status: number;
  soap?: Buffer;
  /** Sealing is skipped (and the signature corrupted) for the corruptSignature injection. */
  corruptSignature?: boolean;
}

export function createHandler(config: HttpConfig, auth: Authenticator, winrs: Winrs, stats: MutableStats) {
  let createSeen = false;

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.setHeader('Server', 'Microsoft-HTTPAPI/2.0');
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) return send(res, 400);
    if (req.method !== 'POST') return send(res, 405);
    if ((req.url ?? '').split('?')[0]?.toLowerCase() !== '/wsman') return send(res, 404);

    const conn = auth.connection(req.socket as Socket);
    const outcome = auth.authenticate(conn, req.headers.authorization);
    if (outcome.kind === 'challenge' || outcome.kind === 'rejected') {
      stats.unauthorized += 1;
      res.setHeader(
        'WWW-Authenticate',
        outcome.kind === 'challenge' && outcome.token ? `Negotiate ${outcome.token}` : auth.schemes(),
      );
      return send(res, 401);
    }
    stats.requestsByAuth[outcome.kind === 'basic' ? 'basic' : 'negotiate'] += 1;
    // The handshake may end with an empty POST (pywinrm's setup_encryption); Windows answers 200.
    if (outcome.kind === 'ntlm' && outcome.fresh && body.length === 0) return send(res, 200);

    const contentType = req.headers['content-type'] ?? '';
    const encrypted = /^multipart\/encrypted/i.test(contentType);
    const security = outcome.kind === 'ntlm' ? outcome.security : undefined;
    let soap: Buffer;
    if (encrypted) {
      if (!security) return send(res, 400);
      try {
        soap = decryptMessage(security, body, contentType);
      } catch (e) {
        if (!(e instanceof NtlmError)) throw e;
        // A context that failed to verify is out of step with the client: drop the connection's auth.
        conn.security = undefined;
        conn.user = undefined;
        stats.faults.push({ action: 'unknown', subcode: `ntlm:${e.code}`, code: 0, status: 400 });
        res.setHeader('Connection', 'close');
        return send(res, 400);
      }
    } else {
      if (!config.tls && !config.allowUnencrypted) {
        // AllowUnencrypted=false: plaintext SOAP over HTTP is refused as unauthorized.
        stats.unencryptedRefused += 1;
        stats.unauthorized += 1;
        conn.security = undefined;
        conn.user = undefined;
        res.setHeader('WWW-Authenticate', auth.schemes());
        return send(res, 401);
      }
      soap = body;
    }

    const reply = await dispatch(soap.toString('utf8'), outcome.user, req);
    if (!reply.soap) return send(res, reply.status);
    if (encrypted && security) {
      const sealed = encryptMessage(security, reply.soap);
      const wire = reply.corruptSignature ? corruptSignature(sealed.body) : sealed.body;
      res.setHeader('Content-Type', sealed.contentType);
      return send(res, reply.status, wire);
    }
    res.setHeader('Content-Type', SOAP_CONTENT_TYPE);
    return send(res, reply.status, reply.soap);
  };

  async function dispatch(text: string, user: string, req: IncomingMessage): Promise<Reply> {
    let request: WsmanRequest | undefined;
    try {
      request = parseRequest(text);
      const ctx = {
        user,
        clientIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '',
        address: `${config.tls ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}/wsman`,
      };
      if (request.action === 'create' && !createSeen) {
        createSeen = true;
        const injected = injectCreateFault(request, winrs.phantomCreateBody(ctx));
        if (injected) return injected;
      }
      return { status: 200, soap: Buffer.from(await winrs.handle(request, ctx), 'utf8') };
    } catch (e) {
      if (!(e instanceof WsmanFault)) throw e;
      stats.faults.push({
        action: request?.action ?? 'unknown',
        subcode: e.fault.subcode,
        code: e.fault.code,
        status: 500,
      });
      const relatesTo = e.relatesTo ?? request?.messageId;
      return {
        status: 500,
        soap: Buffer.from(faultEnvelope(e.fault, relatesTo, config.computerName), 'utf8'),
      };
    }
  }

  /** The first Create's response replaced by an injected fault; the shell is never registered. */
  function injectCreateFault(request: WsmanRequest, phantomBody: string): Reply | undefined {
    const f = config.faults;
    const name = f.http500Fault
      ? 'http500Fault'
      : f.garbleSoap
        ? 'garbleSoap'
        : f.truncateSoap
          ? 'truncateSoap'
          : f.corruptSignature
            ? 'corruptSignature'
            : undefined;
    if (!name) return undefined;
    if (name === 'http500Fault') {
      const fault = faults.internalError();
      stats.faults.push({ action: 'create', subcode: fault.subcode, code: fault.code, status: 500 });
      return { status: 500, soap: Buffer.from(faultEnvelope(fault, request.messageId, config.computerName)) };
    }
    stats.faults.push({ action: 'create', subcode: `injected:${name}`, code: 0, status: 200 });
    const soap = Buffer.from(
      responseEnvelope(`${ACTIONS.create}Response`, request.messageId, phantomBody),
      'utf8',
    );
    if (name === 'garbleSoap')
      return { status: 200, soap: Buffer.from(garble(soap.toString('utf8')), 'utf8') };
    if (name === 'truncateSoap') return { status: 200, soap: soap.subarray(0, Math.floor(soap.length / 2)) };
    return { status: 200, soap, corruptSignature: true };
  }
}

/** Not well-formed: tags closed in the wrong order and a raw `<` in text. */
function garble(soap: string): string {
  return soap.replace('</s:Header>', '<a:Broken></s:Header>').replace('<rsp:ShellId>', '<rsp:ShellId><<');
}

/** Flips a byte of the NTLM signature's checksum inside a multipart/encrypted body. */
function corruptSignature(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const marker = copy.indexOf('application/octet-stream\r\n');
  if (marker >= 0) {
    const signature = marker + 'application/octet-stream\r\n'.length + 4;
    copy[signature + 6] = (copy[signature + 6] ?? 0) ^ 0xff;
  }
  return copy;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body?: Buffer): void {
  res.statusCode = status;
  res.setHeader('Content-Length', body?.length ?? 0);
  res.end(body);
}
