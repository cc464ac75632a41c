/**
 * One mechanism audits every change: hooks on the API scope record each POST, PUT, PATCH and
 * DELETE — who (user, or the attempted name of a login), how (session, token, public), from
 * where, the route and target, the status, the request body with secrets as `***`, and for
 * routes with a readable object (`GET` at the same path) the object before and the answer after.
 * The entry is written before the answer leaves, so a client that gets an answer finds its entry.
 * Refused requests are recorded too (failed logins, bad input, missing rights).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../db/audit.ts';
import { actionOf, redactBody } from '../domain/audit.ts';
import type { App, HttpDeps } from './app.ts';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const before = new WeakMap<FastifyRequest, unknown>();

function requestCopy(body: unknown): unknown {
  if (body === undefined || body === null || typeof body !== 'object') return body ?? null;
  const copy = redactBody(body) as Record<string, unknown>;
  // Parameter values may be secrets under any name; the run (in `after`) shows them masked.
  if (copy.parameters && typeof copy.parameters === 'object') {
    copy.parameters = Object.fromEntries(Object.keys(copy.parameters).map((k) => [k, '***']));
  }
  return copy;
}

function parsed(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload === '') return null;
  try {
    return redactBody(JSON.parse(payload));
  } catch {
    return null;
  }
}

export function auditHooks(app: App, deps: HttpDeps): void {
  app.addHook('preHandler', async (request: FastifyRequest) => {
    if (!MUTATING.has(request.method) || request.method === 'POST') return;
    const url = request.routeOptions.url;
    if (!url || !app.hasRoute({ method: 'GET', url })) return;
    const headers: Record<string, string> = {};
    if (request.headers.cookie) headers.cookie = request.headers.cookie;
    if (request.headers.authorization) headers.authorization = request.headers.authorization;
    const res = await app.inject({ method: 'GET', url: request.url, headers });
    if (res.statusCode === 200) before.set(request, parsed(res.body));
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (!MUTATING.has(request.method)) return payload;
    const route = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
    const params = (request.params ?? {}) as Record<string, string>;
    const body = request.body as Record<string, unknown> | undefined;
    const user = request.user;
    const attempted = typeof body?.username === 'string' ? body.username : null;
    const ok = reply.statusCode < 400;
    try {
      await appendAudit(deps.db, {
        actor: user?.username ?? attempted ?? 'anonymous',
        userId: user?.id ?? null,
        via: request.authMethod ?? 'public',
        address: request.ip,
        method: request.method,
        route,
        path: request.url.split('?')[0] ?? request.url,
        action: actionOf(request.method, route),
        targetId: params.id ?? params.trigger ?? null,
        status: reply.statusCode,
        request: requestCopy(body),
        before: before.get(request) ?? null,
        after: ok && request.method !== 'DELETE' ? parsed(payload) : null,
      });
    } catch (error) {
      deps.log.error({ err: String(error), route }, 'could not write the audit entry');
    }
    return payload;
  });
}
