/**
 * Browser-facing protections that are not helmet's: CORS (same origin unless the operator lists
 * other origins in ORCA_CORS_ORIGINS) and HSTS on HTTPS requests only (direct TLS, or a proxy
 * that says so through a trusted X-Forwarded-Proto).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './app.ts';
import { errorBody } from './errors.ts';

const ALLOW_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOW_HEADERS = 'authorization, content-type';
const HSTS = 'max-age=31536000; includeSubDomains';

/** Whether `origin` is the origin the request was sent to (scheme, host and port alike). */
function sameOrigin(request: FastifyRequest, origin: string): boolean {
  try {
    return new URL(origin).origin === new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return false;
  }
}

export function crossOriginHooks(app: App, allowed: readonly string[]): void {
  const allow = new Set(allowed);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (!origin || sameOrigin(request, origin)) return;
    const listed = allow.has(origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
      if (!listed) {
        return reply
          .status(403)
          .send(
            errorBody(
              'forbidden',
              `cross-origin requests from ${origin} are not allowed; an operator can list the origin in ORCA_CORS_ORIGINS`,
            ),
          );
      }
      return reply
        .status(204)
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', ALLOW_METHODS)
        .header('access-control-allow-headers', ALLOW_HEADERS)
        .header('access-control-max-age', '600')
        .header('vary', 'Origin')
        .send();
    }
    // Listed origins may read answers; no credentials (cookies): such clients send an API token.
    if (listed) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
    return payload;
  });
}
