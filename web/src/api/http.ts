/** The one way the UI talks HTTP to the API: JSON, the session cookie, the CSRF header, typed errors. */
import type { ErrorBody, ErrorDetail } from './types.ts';

export const API_BASE = '/api/v1';

/** An error response of the API (or a network failure, with code `network`). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }

  /**
   * Field messages keyed by top-level body field: `body.port` → `port`,
   * `body.targets.hosts[0]` → `targets`.
   */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) {
      const field = d.path.replace(/^body\.?/, '').split(/[.[]/)[0];
      if (field && !(field in out)) out[field] = d.message;
    }
    return out;
  }

  /** Field messages keyed by the whole path: `body.winrm.auth` → `winrm.auth`. */
  pathErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) {
      const path = d.path.replace(/^body\.?/, '');
      if (path && !(path in out)) out[path] = d.message;
    }
    return out;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpOptions {
  /** Called on a 401 from any route but login and the session probe: the session ended. */
  readonly onUnauthorized?: () => void;
  readonly fetch?: typeof fetch;
  readonly base?: string;
}

export class Http {
  /** From the login response or GET /auth/me. */
  csrfToken: string | null = null;
  onUnauthorized: () => void;
  private readonly fetchImpl: typeof fetch;
  private readonly base: string;

  constructor(options: HttpOptions = {}) {
    this.onUnauthorized = options.onUnauthorized ?? (() => {});
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.base = options.base ?? API_BASE;
  }

  async request<T>(
    method: Method,
    path: string,
    body?: unknown,
    options: { quiet401?: boolean; signal?: AbortSignal } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (UNSAFE.has(method) && this.csrfToken) headers['x-csrf-token'] = this.csrfToken;
    let response: Response;
    try {
      response = await this.fetchImpl(this.base + path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network', 'cannot reach the orca server; check your connection and try again');
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's error page, say): reported below by status.
    }
    if (!response.ok) {
      if (response.status === 401 && !options.quiet401) this.onUnauthorized();
      if (isErrorBody(data)) {
        const e = data.error;
        throw new ApiError(response.status, e.code, e.message, Array.isArray(e.details) ? e.details : []);
      }
      throw new ApiError(
        response.status,
        'http',
        `the server answered ${response.status} ${response.statusText}`,
      );
    }
    return data as T;
  }
}

/** `?a=1&b=x` from the defined entries, or '' when there are none. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** A human message for anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
