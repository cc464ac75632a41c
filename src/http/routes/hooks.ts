/**
 * `POST /api/v1/hooks/{trigger}`: an inbound webhook launches a run of the trigger's job. It
 * authenticates with the trigger's token (`X-Orca-Token`, `Authorization: Bearer`, or `?token=`)
 * or with an HMAC-SHA256 signature of the raw body made with it (`X-Orca-Signature` or GitHub's
 * `X-Hub-Signature-256`: `sha256=<hex>`). The request's JSON fills parameters only through the
 * trigger's mapping, and the values are validated like any launch: a refusal creates nothing.
 * Every call is logged on the trigger.
 */
import { createHmac } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { activeTrigger, recordInvocation, triggerSecretAad } from '../../db/triggers.ts';
import { ErrorCode, OrcaError } from '../../domain/errors.ts';
import { mapParameters } from '../../domain/jobs/trigger-mapping.ts';
import { EVERY_PROJECT } from '../../domain/projects.ts';
import { hashToken, safeEqual } from '../../security/tokens.ts';
import type { App, HttpDeps } from '../app.ts';
import { STATUS } from '../errors.ts';
import type { TargetSelection } from '../job-run-schemas.ts';
import { launchJob } from '../launch.ts';
import { HookAccepted, HookParams, HookQuery } from '../trigger-schemas.ts';

const BODY_LIMIT = 1024 * 1024;
const raw = new WeakMap<FastifyRequest, string>();

const refused = () =>
  new OrcaError(ErrorCode.unauthenticated, 'unknown or revoked trigger, or a wrong token or signature');

function presentedToken(request: FastifyRequest, query: string | undefined): string | null {
  const header = request.headers['x-orca-token'];
  if (typeof header === 'string' && header) return header;
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (bearer?.[1]) return bearer[1];
  return query ?? null;
}

function presentedSignature(request: FastifyRequest): string | null {
  for (const name of ['x-orca-signature', 'x-hub-signature-256']) {
    const value = request.headers[name];
    if (typeof value === 'string' && value) return value;
  }
  return null;
}

export function hookRoutes(app: App, deps: HttpDeps): void {
  // The raw text is kept for signature checks; only JSON (or nothing) is accepted.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      raw.set(request, text);
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(
          new OrcaError(ErrorCode.validation, 'body: is not valid JSON', [
            { path: 'body', message: 'is not valid JSON' },
          ]),
        );
      }
    },
  );

  app.post(
    '/hooks/:trigger',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['triggers'],
        summary: "Launch a run of the trigger's job (inbound webhook)",
        params: HookParams,
        querystring: HookQuery,
        response: { 201: HookAccepted },
      },
    },
    async (request, reply) => {
      const trigger = await activeTrigger(deps.db, request.params.trigger);
      if (!trigger) throw refused();
      let runId: string | null = null;
      try {
        const token = presentedToken(request, request.query.token);
        const signature = presentedSignature(request);
        if (token !== null) {
          if (!safeEqual(hashToken(token), trigger.token_hash)) throw refused();
        } else if (signature !== null) {
          const secret = deps.vault.open(
            { data: trigger.secret, keyId: trigger.key_id },
            triggerSecretAad(trigger.id),
          );
          const expected = `sha256=${createHmac('sha256', secret)
            .update(raw.get(request) ?? '', 'utf8')
            .digest('hex')}`;
          if (!safeEqual(signature.toLowerCase(), expected)) throw refused();
        } else {
          throw new OrcaError(
            ErrorCode.unauthenticated,
            'send the trigger token (X-Orca-Token) or a signature of the body (X-Orca-Signature: sha256=…)',
          );
        }
        const body: unknown = request.body;
        if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
          throw new OrcaError(ErrorCode.validation, 'body: must be a JSON object', [
            { path: 'body', message: 'must be a JSON object' },
          ]);
        }
        runId = await launchJob(deps.db, deps.vault, {
          // The token is the authority; the run is in the job's project, on that project's hosts.
          scope: EVERY_PROJECT,
          jobId: trigger.job_id,
          version: trigger.version ?? undefined,
          parameters: mapParameters(trigger.mapping, trigger.fixed_values, body ?? {}),
          targets: (trigger.targets ?? undefined) as TargetSelection | undefined,
          createdBy: trigger.created_by,
          timeoutMs: deps.config.commandTimeoutMs,
          priority: trigger.priority,
        });
      } catch (error) {
        const status = error instanceof OrcaError ? STATUS[error.code] : 500;
        await recordInvocation(deps.db, {
          triggerId: trigger.id,
          remoteAddress: request.ip,
          status,
          runId: null,
          error: error instanceof Error ? error.message.slice(0, 1000) : String(error),
        });
        throw error;
      }
      await recordInvocation(deps.db, {
        triggerId: trigger.id,
        remoteAddress: request.ip,
        status: 201,
        runId,
        error: null,
      });
      return reply.status(201).send({ runId, url: `${deps.config.notify.publicUrl}/runs/${runId}` });
    },
  );
}
