/** The one place errors become HTTP responses: `{ error: { code, message, details } }`. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ErrorCode, type ErrorDetail, OrcaError } from '../domain/errors.ts';
import { pointerToPath } from '../domain/schema.ts';

export const STATUS: Record<ErrorCode, number> = {
  [ErrorCode.validation]: 400,
  [ErrorCode.unauthenticated]: 401,
  [ErrorCode.forbidden]: 403,
  [ErrorCode.notFound]: 404,
  [ErrorCode.conflict]: 409,
  [ErrorCode.rateLimited]: 429,
  [ErrorCode.unavailable]: 503,
  [ErrorCode.internal]: 500,
};

export function errorBody(code: ErrorCode, message: string, details: readonly ErrorDetail[] = []) {
  return { error: { code, message, details } };
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function validationDetails(error: FastifyError): ErrorDetail[] {
  const part = error.validationContext ?? 'body';
  return ((error.validation as AjvIssue[] | undefined) ?? []).map((v) => {
    let path = pointerToPath(v.instancePath);
    let message = v.message ?? 'is invalid';
    if (v.keyword === 'required') {
      path = path ? `${path}.${String(v.params.missingProperty)}` : String(v.params.missingProperty);
      message = 'is required';
    } else if (v.keyword === 'additionalProperties') {
      path = path ? `${path}.${String(v.params.additionalProperty)}` : String(v.params.additionalProperty);
      message = 'is not an allowed property';
    }
    return { path: path ? `${part}.${path}` : part, message };
  });
}

/** Unique details only; a union schema repeats itself. */
function dedupe(details: ErrorDetail[]): ErrorDetail[] {
  const seen = new Set<string>();
  return details.filter((d) => {
    const k = `${d.path}|${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function errorHandler(log: Logger) {
  return (error: FastifyError | OrcaError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof OrcaError) {
      return reply.status(STATUS[error.code]).send(errorBody(error.code, error.message, error.details));
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      const details = dedupe(validationDetails(fe));
      const message = details
        .map((d) => `${d.path}: ${d.message}`)
        .slice(0, 5)
        .join('; ');
      return reply.status(400).send(errorBody(ErrorCode.validation, message || 'invalid request', details));
    }
    if (fe.statusCode === 429) {
      return reply.status(429).send(errorBody(ErrorCode.rateLimited, 'too many requests; try again later'));
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = request.routeOptions.bodyLimit;
      return reply
        .status(413)
        .send(
          errorBody(
            ErrorCode.validation,
            `the request body is too large: ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]} accepts at most ${limit} bytes`,
            [{ path: 'body', message: `must be at most ${limit} bytes` }],
          ),
        );
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      // Body parsing, size limits, content types: the client's fault, said without internals.
      const message =
        fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'the request body is too large'
          : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'unsupported content type; send application/json'
            : fe.code?.startsWith('FST_ERR_CTP') || error instanceof SyntaxError
              ? 'the request body is not valid JSON'
              : 'bad request';
      return reply.status(fe.statusCode).send(errorBody(ErrorCode.validation, message));
    }
    // Unknown failures: logged (code and message only), never shown.
    log.error(
      { url: request.url, method: request.method, err: { message: error.message, code: fe.code } },
      'request failed',
    );
    return reply
      .status(500)
      .send(errorBody(ErrorCode.internal, 'internal error; the server log has details'));
  };
}
