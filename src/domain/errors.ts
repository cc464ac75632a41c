/** The one error class with a public message; the HTTP layer maps codes to statuses once. */

export const ErrorCode = {
  validation: 'validation',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  notFound: 'not-found',
  conflict: 'conflict',
  rateLimited: 'rate-limited',
  unavailable: 'unavailable',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

export class OrcaError extends Error {
  override readonly name = 'OrcaError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string): OrcaError =>
  new OrcaError(ErrorCode.notFound, `${what} ${id} does not exist`);

export const invalid = (path: string, message: string): OrcaError =>
  new OrcaError(ErrorCode.validation, `${path}: ${message}`, [{ path, message }]);
