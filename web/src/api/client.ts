/** Typed calls for every route the UI uses, one method per route. */
import { ApiError, Http, type HttpOptions, query } from './http.ts';
import type {
  CreateCredential,
  CreatedToken,
  CreateHost,
  CreateRun,
  CreateToken,
  Credential,
  Health,
  Host,
  HostCheck,
  LogPage,
  Me,
  Run,
  RunDetail,
  RunListQuery,
  Token,
  UpdateCredential,
  UpdateHost,
} from './types.ts';

const seg = encodeURIComponent;

export class OrcaClient {
  readonly http: Http;

  constructor(options: HttpOptions = {}) {
    this.http = new Http(options);
  }

  // auth
  async login(username: string, password: string): Promise<Me> {
    const me = await this.http.request<Me>('POST', '/auth/login', { username, password }, { quiet401: true });
    this.http.csrfToken = me.csrfToken;
    return me;
  }
  /** The current session, or null when there is none. */
  async me(): Promise<Me | null> {
    try {
      const me = await this.http.request<Me>('GET', '/auth/me', undefined, { quiet401: true });
      this.http.csrfToken = me.csrfToken;
      return me;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }
  async logout(): Promise<void> {
    await this.http.request<void>('POST', '/auth/logout', undefined, { quiet401: true });
    this.http.csrfToken = null;
  }
  health = () => this.http.request<Health>('GET', '/health');

  // credentials
  listCredentials = () => this.http.request<Credential[]>('GET', '/credentials');
  createCredential = (body: CreateCredential) => this.http.request<Credential>('POST', '/credentials', body);
  updateCredential = (id: string, body: UpdateCredential) =>
    this.http.request<Credential>('PATCH', `/credentials/${seg(id)}`, body);
  deleteCredential = (id: string) => this.http.request<void>('DELETE', `/credentials/${seg(id)}`);

  // hosts
  listHosts = () => this.http.request<Host[]>('GET', '/hosts');
  getHost = (id: string) => this.http.request<Host>('GET', `/hosts/${seg(id)}`);
  createHost = (body: CreateHost) => this.http.request<Host>('POST', '/hosts', body);
  updateHost = (id: string, body: UpdateHost) => this.http.request<Host>('PATCH', `/hosts/${seg(id)}`, body);
  deleteHost = (id: string) => this.http.request<void>('DELETE', `/hosts/${seg(id)}`);
  /** Takes up to ~20 s: a worker connects, authenticates, checks the host key and runs `true`. */
  testHost = (id: string) => this.http.request<HostCheck>('POST', `/hosts/${seg(id)}/test`);
  acceptHostKey = (id: string) => this.http.request<Host>('POST', `/hosts/${seg(id)}/accept-host-key`);

  // runs
  createRun = (body: CreateRun) => this.http.request<RunDetail>('POST', '/runs', body);
  listRuns = (q: RunListQuery = {}) =>
    this.http.request<Run[]>('GET', `/runs${query({ limit: q.limit, before: q.before, status: q.status })}`);
  getRun = (id: string) => this.http.request<RunDetail>('GET', `/runs/${seg(id)}`);
  cancelRun = (id: string) => this.http.request<RunDetail>('POST', `/runs/${seg(id)}/cancel`);
  runLog = (id: string, q: { execution?: string; after?: number; limit?: number } = {}) =>
    this.http.request<LogPage>('GET', `/runs/${seg(id)}/log${query(q)}`);

  // tokens
  listTokens = () => this.http.request<Token[]>('GET', '/tokens');
  createToken = (body: CreateToken) => this.http.request<CreatedToken>('POST', '/tokens', body);
  deleteToken = (id: string) => this.http.request<void>('DELETE', `/tokens/${seg(id)}`);
}
