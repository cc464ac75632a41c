/** A small JSON client for `<url>/api/v1`, with the API's error body turned into CliError. */
import { CliError, ExitCode } from './io.ts';

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

/** An error response of the API: `{ error: { code, message, details } }`. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    details: readonly ErrorDetail[] = [],
    /** Every detail the server sent, including one the message already says. */
    readonly allDetails: readonly ErrorDetail[] = details,
  ) {
    super(message, status === 400 || code === 'validation' ? ExitCode.usage : ExitCode.failure, details);
  }
}

/** A browser-style login: the session cookie and the token state-changing requests must echo. */
export interface Session {
  readonly cookie: string;
  readonly csrfToken: string;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface ApiResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

const SAFE = new Set(['GET', 'HEAD']);

export class ApiClient {
  constructor(
    /** Server base URL without a trailing slash, e.g. http://localhost:8080 */
    readonly url: string,
    readonly token: string | null,
    readonly session: Session | null = null,
  ) {}

  withSession(session: Session | null): ApiClient {
    return new ApiClient(this.url, null, session);
  }

  /** Authentication headers, also sent on the WebSocket upgrade. */
  authHeaders(method = 'GET'): Record<string, string> {
    if (this.token) return { authorization: `Bearer ${this.token}` };
    if (this.session) {
      const h: Record<string, string> = { cookie: this.session.cookie };
      if (!SAFE.has(method)) h['x-csrf-token'] = this.session.csrfToken;
      return h;
    }
    return {};
  }

  apiUrl(path: string, query: Query = {}): string {
    const u = new URL(`${this.url}/api/v1${path}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** `ws(s)://…/api/v1/stream` */
  streamUrl(): string {
    return this.apiUrl('/stream').replace(/^http/, 'ws');
  }

  async send<T>(
    method: string,
    path: string,
    options: { body?: unknown; query?: Query } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.authHeaders(method) };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.fetch(this.apiUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const body = await jsonOf(res);
    if (!res.ok) throw this.toError(res, body, path);
    return { status: res.status, headers: res.headers, body: body as T };
  }

  /** A GET of something other than JSON (an artifact's bytes): the response, its body unread. */
  async download(path: string): Promise<Response> {
    const res = await this.fetch(this.apiUrl(path), { headers: this.authHeaders() });
    if (!res.ok) throw this.toError(res, await jsonOf(res), path);
    return res;
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      throw new CliError(
        `cannot reach the orca server at ${this.url}: ${networkReason(error)}; check --url or ORCA_URL`,
      );
    }
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return (await this.send<T>('GET', path, { query })).body;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return (await this.send<T>('POST', path, { body })).body;
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    return (await this.send<T>('PUT', path, { body })).body;
  }

  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await this.send<T>('PATCH', path, { body })).body;
  }

  async delete(path: string): Promise<void> {
    await this.send<unknown>('DELETE', path);
  }

  private toError(res: Response, body: unknown, path: string): ApiError {
    const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
    if (!e || typeof e.message !== 'string') {
      return new ApiError(res.status, 'http', `the server answered ${res.status} ${res.statusText}`.trim());
    }
    const all = Array.isArray(e.details) ? (e.details as unknown[]).filter(isDetail) : [];
    const details = all.filter((d) => !sameAsMessage(d, e.message as string));
    let message = e.message;
    if (res.status === 401 && !this.token && !this.session && path !== '/auth/login') {
      message += ' (run `orca login`, or pass --token or set ORCA_TOKEN)';
    }
    return new ApiError(res.status, typeof e.code === 'string' ? e.code : 'http', message, details, all);
  }
}

/** The body as JSON; null when empty or not JSON. */
async function jsonOf(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function isDetail(d: unknown): d is ErrorDetail {
  const x = d as Partial<ErrorDetail> | null;
  return !!x && typeof x.path === 'string' && typeof x.message === 'string';
}

/** The server's message often is the one detail already; print it once. */
function sameAsMessage(d: ErrorDetail, message: string): boolean {
  return message === `${d.path}: ${d.message}` || message === d.message;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
