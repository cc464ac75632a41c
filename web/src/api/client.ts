/** Typed calls for every route the UI uses, one method per route. */

import type { AuditEntry, AuditQuery } from './audit-types.ts';
import type { AuthProviders } from './auth-types.ts';
import { API_BASE, ApiError, Http, type HttpOptions, query } from './http.ts';
import type { ImportHosts, ImportPlanView } from './import-types.ts';
import type {
  Job,
  JobDetail,
  JobListQuery,
  JobSaved,
  JobVersion,
  JobVersionSummary,
  SaveJob,
} from './job-types.ts';
import type {
  CreateNotificationRule,
  DeliveryStatus,
  NotificationDelivery,
  NotificationRule,
  UpdateNotificationRule,
} from './notification-types.ts';
import type { CreateProject, Member, MemberRole, Project } from './project-types.ts';
import type { CreatedTrigger, CreateTrigger, Trigger, TriggerInvocation } from './trigger-types.ts';
import type {
  CreateCredential,
  CreatedToken,
  CreateGroup,
  CreateHost,
  CreateRun,
  CreateToken,
  Credential,
  Group,
  Health,
  Host,
  HostCheck,
  HostsBulk,
  HostsBulkResult,
  JobStats,
  LaunchJob,
  LogPage,
  Me,
  ResolvedTargets,
  RetryMode,
  Run,
  RunDetail,
  RunListQuery,
  TargetSelection,
  Token,
  UpdateCredential,
  UpdateGroup,
  UpdateHost,
} from './types.ts';
import type {
  ChangePassword,
  CreateUser,
  SessionsEnded,
  UpdateUser,
  UserDetail,
  UserWithPassword,
} from './user-types.ts';
import type { ExecutorStatus, WorkerView } from './worker-types.ts';

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
  /** Ends every session of the caller, this one included. */
  async logoutAll(): Promise<SessionsEnded> {
    const r = await this.http.request<SessionsEnded>('POST', '/auth/logout-all', undefined, {
      quiet401: true,
    });
    this.http.csrfToken = null;
    return r;
  }
  /** Ends the caller's other sessions; this one stays. */
  changePassword = (body: ChangePassword) => this.http.request<SessionsEnded>('POST', '/auth/password', body);
  health = () => this.http.request<Health>('GET', '/health');
  /** Password sign-in, and single sign-on when the server has it. */
  authProviders = () =>
    this.http.request<AuthProviders>('GET', '/auth/providers', undefined, { quiet401: true });

  // users (admin)
  listUsers = () => this.http.request<UserDetail[]>('GET', '/users');
  createUser = (body: CreateUser) => this.http.request<UserWithPassword>('POST', '/users', body);
  updateUser = (id: string, body: UpdateUser) =>
    this.http.request<UserDetail>('PATCH', `/users/${seg(id)}`, body);
  deleteUser = (id: string) => this.http.request<void>('DELETE', `/users/${seg(id)}`);
  /** Without a password the server generates one and returns it once. */
  resetUserPassword = (id: string, password?: string) =>
    this.http.request<UserWithPassword>('POST', `/users/${seg(id)}/password`, password ? { password } : {});
  unlockUser = (id: string) => this.http.request<UserDetail>('POST', `/users/${seg(id)}/unlock`, {});
  revokeUserSessions = (id: string) =>
    this.http.request<SessionsEnded>('POST', `/users/${seg(id)}/sessions/revoke`, {});

  // projects
  listProjects = () => this.http.request<Project[]>('GET', '/projects');
  createProject = (body: CreateProject) => this.http.request<Project>('POST', '/projects', body);
  deleteProject = (id: string) => this.http.request<void>('DELETE', `/projects/${seg(id)}`);
  listMembers = (id: string) => this.http.request<Member[]>('GET', `/projects/${seg(id)}/members`);
  putMember = (id: string, user: string, role: MemberRole) =>
    this.http.request<Member>('PUT', `/projects/${seg(id)}/members/${seg(user)}`, { role });
  removeMember = (id: string, user: string) =>
    this.http.request<void>('DELETE', `/projects/${seg(id)}/members/${seg(user)}`);

  // credentials
  listCredentials = (project?: string) =>
    this.http.request<Credential[]>('GET', `/credentials${query({ project })}`);
  createCredential = (body: CreateCredential) => this.http.request<Credential>('POST', '/credentials', body);
  updateCredential = (id: string, body: UpdateCredential) =>
    this.http.request<Credential>('PATCH', `/credentials/${seg(id)}`, body);
  deleteCredential = (id: string) => this.http.request<void>('DELETE', `/credentials/${seg(id)}`);

  // hosts
  listHosts = (selector?: string, project?: string) =>
    this.http.request<Host[]>('GET', `/hosts${query({ selector, project })}`);
  bulkHosts = (body: HostsBulk) => this.http.request<HostsBulkResult>('POST', '/hosts/bulk', body);

  // groups
  listGroups = () => this.http.request<Group[]>('GET', '/groups');
  createGroup = (body: CreateGroup) => this.http.request<Group>('POST', '/groups', body);
  updateGroup = (id: string, body: UpdateGroup) =>
    this.http.request<Group>('PATCH', `/groups/${seg(id)}`, body);
  deleteGroup = (id: string) => this.http.request<void>('DELETE', `/groups/${seg(id)}`);
  getHost = (id: string) => this.http.request<Host>('GET', `/hosts/${seg(id)}`);
  createHost = (body: CreateHost) => this.http.request<Host>('POST', '/hosts', body);
  /** Preview (or with `apply`, do) an import of hosts and groups. */
  importHosts = (body: ImportHosts) => this.http.request<ImportPlanView>('POST', '/hosts/import', body);
  updateHost = (id: string, body: UpdateHost) => this.http.request<Host>('PATCH', `/hosts/${seg(id)}`, body);
  deleteHost = (id: string) => this.http.request<void>('DELETE', `/hosts/${seg(id)}`);
  /** Takes up to ~20 s: a worker connects, authenticates, checks the host key and runs `true`. */
  testHost = (id: string) => this.http.request<HostCheck>('POST', `/hosts/${seg(id)}/test`);
  acceptHostKey = (id: string) => this.http.request<Host>('POST', `/hosts/${seg(id)}/accept-host-key`);
  /** Which hosts a selection stands for, without running anything. */
  resolveTargets = (body: TargetSelection, signal?: AbortSignal) =>
    this.http.request<ResolvedTargets>('POST', '/hosts/resolve', body, { signal });

  // jobs
  listJobs = (q: JobListQuery = {}) =>
    this.http.request<Job[]>(
      'GET',
      `/jobs${query({ q: q.q, category: q.category, tag: q.tag, active: q.active === undefined ? undefined : String(q.active) })}`,
    );
  getJob = (id: string) => this.http.request<JobDetail>('GET', `/jobs/${seg(id)}`);
  createJob = (body: SaveJob) => this.http.request<JobSaved>('POST', '/jobs', body);
  /** A new version when the definition changed. */
  saveJob = (id: string, body: SaveJob) => this.http.request<JobSaved>('PUT', `/jobs/${seg(id)}`, body);
  setJobActive = (id: string, active: boolean) =>
    this.http.request<JobDetail>('PATCH', `/jobs/${seg(id)}`, { active });
  deleteJob = (id: string) => this.http.request<void>('DELETE', `/jobs/${seg(id)}`);
  listJobVersions = (id: string) =>
    this.http.request<JobVersionSummary[]>('GET', `/jobs/${seg(id)}/versions`);
  getJobVersion = (id: string, version: number) =>
    this.http.request<JobVersion>('GET', `/jobs/${seg(id)}/versions/${version}`);
  /** Makes `version` current again, as a new version equal to it. */
  rollbackJob = (id: string, version: number) =>
    this.http.request<JobSaved>('POST', `/jobs/${seg(id)}/rollback`, { version });
  jobStats = (id: string) => this.http.request<JobStats>('GET', `/jobs/${seg(id)}/stats`);
  launchJob = (id: string, body: LaunchJob) =>
    this.http.request<RunDetail>('POST', `/jobs/${seg(id)}/runs`, body);

  // runs
  createRun = (body: CreateRun) => this.http.request<RunDetail>('POST', '/runs', body);
  listRuns = (q: RunListQuery = {}) =>
    this.http.request<Run[]>(
      'GET',
      `/runs${query({ limit: q.limit, before: q.before, status: q.status, job: q.job })}`,
    );
  getRun = (id: string) => this.http.request<RunDetail>('GET', `/runs/${seg(id)}`);
  cancelRun = (id: string) => this.http.request<RunDetail>('POST', `/runs/${seg(id)}/cancel`);
  /** A new run of the same job version and parameters: only the hosts that did not succeed, or all. */
  retryRun = (id: string, mode: RetryMode) =>
    this.http.request<RunDetail>('POST', `/runs/${seg(id)}/retry`, { mode });
  /** Where the browser downloads an artifact (the session cookie authorises a plain link). */
  artifactUrl = (runId: string, artifactId: string) =>
    `${API_BASE}/runs/${seg(runId)}/artifacts/${seg(artifactId)}`;
  runLog = (id: string, q: { execution?: string; after?: number; limit?: number } = {}) =>
    this.http.request<LogPage>('GET', `/runs/${seg(id)}/log${query(q)}`);

  // tokens
  listTokens = () => this.http.request<Token[]>('GET', '/tokens');
  createToken = (body: CreateToken) => this.http.request<CreatedToken>('POST', '/tokens', body);
  deleteToken = (id: string) => this.http.request<void>('DELETE', `/tokens/${seg(id)}`);

  // triggers
  listTriggers = (jobId: string) => this.http.request<Trigger[]>('GET', `/jobs/${seg(jobId)}/triggers`);
  createTrigger = (jobId: string, body: CreateTrigger) =>
    this.http.request<CreatedTrigger>('POST', `/jobs/${seg(jobId)}/triggers`, body);
  revokeTrigger = (jobId: string, id: string) =>
    this.http.request<void>('DELETE', `/jobs/${seg(jobId)}/triggers/${seg(id)}`);
  triggerInvocations = (jobId: string, id: string) =>
    this.http.request<TriggerInvocation[]>('GET', `/jobs/${seg(jobId)}/triggers/${seg(id)}/invocations`);

  // workers
  listWorkers = () => this.http.request<WorkerView[]>('GET', '/workers');
  executorStatus = () => this.http.request<ExecutorStatus>('GET', '/executor/status');

  // audit
  listAudit = (q: AuditQuery = {}) => this.http.request<AuditEntry[]>('GET', `/audit${auditQuery(q)}`);
  /** Where the browser downloads the filtered log as JSON lines. */
  auditExportUrl = (q: AuditQuery = {}) => `${API_BASE}/audit/export${auditQuery(q)}`;

  // notifications
  listNotificationRules = () => this.http.request<NotificationRule[]>('GET', '/notifications');
  createNotificationRule = (body: CreateNotificationRule) =>
    this.http.request<NotificationRule>('POST', '/notifications', body);
  updateNotificationRule = (id: string, body: UpdateNotificationRule) =>
    this.http.request<NotificationRule>('PATCH', `/notifications/${seg(id)}`, body);
  deleteNotificationRule = (id: string) => this.http.request<void>('DELETE', `/notifications/${seg(id)}`);
  listDeliveries = (q: { rule?: string; run?: string; status?: DeliveryStatus; limit?: number } = {}) =>
    this.http.request<NotificationDelivery[]>('GET', `/notifications/deliveries${query(q)}`);
}

const auditQuery = (q: AuditQuery) => query({ ...q, failed: q.failed ? 'true' : undefined });
