/** Row types of every table, as Kysely sees them. Domain types live in src/domain; mappers in each module. */
import type { ColumnType, Generated } from 'kysely';
import type { HostFacts } from '../domain/host-facts.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export interface UsersTable {
  id: Generated<string>;
  username: string;
  /** Null for users who sign in through single sign-on. */
  password_hash: string | null;
  role: 'admin' | 'operator' | 'viewer';
  disabled: Generated<boolean>;
  created_at: Generated<Date>;
  last_login_at: NullableTimestamp;
  updated_at: Generated<Date>;
  auth_source: Generated<'local' | 'oidc'>;
  oidc_issuer: string | null;
  oidc_subject: string | null;
}

export interface OidcLoginsTable {
  state_hash: string;
  binding_hash: string;
  code_verifier: string;
  nonce: string;
  redirect_uri: string;
  return_to: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: Generated<Date>;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  role: ColumnType<
    UsersTable['role'] | null,
    UsersTable['role'] | null | undefined,
    UsersTable['role'] | null
  >;
}

export interface LoginThrottleTable {
  scope: 'pair' | 'address' | 'account';
  subject: string;
  username: string | null;
  address: string | null;
  failures: Generated<number>;
  last_failure_at: NullableTimestamp;
  locked_until: NullableTimestamp;
  last_success_at: NullableTimestamp;
}

export interface CredentialsTable {
  id: Generated<string>;
  /** The project it belongs to (the default project unless the insert names one). */
  project_id: ColumnType<string, string | undefined, string>;
  name: string;
  kind: 'password' | 'ssh-key' | 'ssh-agent';
  secret: Buffer;
  key_id: string;
  fingerprint: string | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface HostsTable {
  id: Generated<string>;
  /** The project it belongs to (the default project unless the insert names one). */
  project_id: ColumnType<string, string | undefined, string>;
  name: string;
  address: string;
  port: number;
  os: Generated<'linux' | 'windows'>;
  transport: Generated<'ssh' | 'winrm'>;
  shell: Generated<'sh' | 'powershell' | 'cmd'>;
  winrm_https: Generated<boolean>;
  winrm_auth: Generated<'negotiate' | 'basic'>;
  winrm_allow_unencrypted: Generated<boolean>;
  winrm_ca_cert: string | null;
  winrm_skip_verify: Generated<boolean>;
  username: string;
  credential_id: string | null;
  host_key_algorithm: string | null;
  host_key_fingerprint: string | null;
  pending_host_key_algorithm: string | null;
  pending_host_key_fingerprint: string | null;
  jump_host_id: ColumnType<string | null, string | null | undefined, string | null>;
  become_credential_id: ColumnType<string | null, string | null | undefined, string | null>;
  health_status: Generated<'up' | 'down' | 'unknown'>;
  health_latency_ms: number | null;
  health_failure_kind: string | null;
  health_message: string | null;
  health_checked_at: NullableTimestamp;
  facts: ColumnType<HostFacts | null, string | null | undefined, string | null>;
  facts_gathered_at: NullableTimestamp;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  /** jsonb object of label values by key; written as JSON text. */
  labels: ColumnType<Record<string, string>, string | undefined, string>;
  /** The worker pool (`key=value`) that serves this host; null: any worker. */
  pool: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface HostGroupsTable {
  id: Generated<string>;
  /** The project it belongs to (the default project unless the insert names one). */
  project_id: ColumnType<string, string | undefined, string>;
  name: string;
  description: Generated<string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface HostGroupChildrenTable {
  parent_id: string;
  child_id: string;
}

export interface HostGroupMembersTable {
  group_id: string;
  host_id: string;
}

export interface WorkersTable {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  concurrency: number;
  started_at: Generated<Date>;
  last_heartbeat_at: Generated<Date>;
  stopped_at: NullableTimestamp;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  pool_only: Generated<boolean>;
  /** Set when a graceful shutdown began: it claims nothing more. */
  stopping_at: NullableTimestamp;
}

export interface RunsTable {
  id: Generated<string>;
  /** The project it belongs to (the default project unless the insert names one). */
  project_id: ColumnType<string, string | undefined, string>;
  kind: 'adhoc' | 'job';
  command: string | null;
  status: string;
  timeout_ms: number;
  created_by: string | null;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  cancel_requested_at: NullableTimestamp;
  job_id: string | null;
  job_version: number | null;
  /** Non-secret parameter values (JSON). */
  parameters: ColumnType<unknown, string | undefined, string>;
  secret_parameters: Buffer | null;
  secret_key_id: string | null;
  targets: ColumnType<unknown, string | null | undefined, string | null>;
  retry_of: string | null;
  retry_mode: 'failed' | 'all' | null;
  /** -100..100; higher starts first when workers are saturated. */
  priority: Generated<number>;
}

export interface ExecutionsTable {
  id: Generated<string>;
  run_id: string;
  host_id: string | null;
  host_name: string;
  status: string;
  failure_kind: string | null;
  failure_message: string | null;
  exit_code: number | null;
  worker_id: string | null;
  output_bytes: ColumnType<string, number | undefined, number | string>;
  truncated_bytes: ColumnType<string, number | undefined, number | string>;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  position: Generated<number>;
  batch: Generated<number>;
  next_step: Generated<number>;
  dispatched_at: NullableTimestamp;
  exclusive: Generated<boolean>;
  /** The pool its last queue task was routed to; null: any worker. */
  pool: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ExecutionEventsTable {
  execution_id: string;
  seq: number;
  kind: 'stdout' | 'stderr' | 'status' | 'system';
  data: string;
  at: Generated<Date>;
  step: number | null;
}

export interface StepResultsTable {
  execution_id: string;
  step_index: number;
  step_id: string;
  step_name: string;
  step_type: string;
  status: 'running' | 'succeeded' | 'failed' | 'skipped' | 'canceled';
  attempts: Generated<number>;
  exit_code: number | null;
  failure_kind: string | null;
  failure_message: string | null;
  tolerated: Generated<boolean>;
  /** StepOutputs (JSON) for `${{ steps.<id>.* }}`. */
  outputs: ColumnType<unknown, string | null | undefined, string | null>;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface ArtifactsTable {
  id: Generated<string>;
  run_id: string;
  execution_id: string;
  step_index: number;
  name: string;
  size: ColumnType<string, number | undefined, number>;
  sha256: string | null;
  complete: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface ArtifactChunksTable {
  artifact_id: string;
  seq: number;
  data: Buffer;
}

export interface HostChecksTable {
  id: Generated<string>;
  host_id: string;
  status: 'queued' | 'succeeded' | 'failed';
  failure_kind: string | null;
  message: string | null;
  latency_ms: number | null;
  source: Generated<'manual' | 'health'>;
  created_at: Generated<Date>;
  finished_at: NullableTimestamp;
}

export interface JobsTable {
  id: Generated<string>;
  /** The project it belongs to (the default project unless the insert names one). */
  project_id: ColumnType<string, string | undefined, string>;
  name: string;
  active: Generated<boolean>;
  current_version: number;
  description: string | null;
  category: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Rows are immutable: a trigger refuses UPDATE and DELETE (except with their job). */
export interface JobVersionsTable {
  job_id: string;
  version: number;
  /** jsonb: the normalised JobDefinition; written as JSON text. */
  definition: ColumnType<unknown, string, never>;
  source: string;
  source_format: 'yaml' | 'json';
  hash: string;
  author: string | null;
  created_at: Generated<Date>;
}

export type NotificationEvent = 'start' | 'success' | 'failure' | 'cancel';

export interface NotificationRulesTable {
  id: Generated<string>;
  name: string;
  job_id: string | null;
  events: NotificationEvent[];
  kind: 'webhook' | 'email';
  url: string | null;
  recipients: string[] | null;
  secret: Buffer | null;
  key_id: string | null;
  enabled: Generated<boolean>;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface NotificationDeliveriesTable {
  id: Generated<string>;
  rule_id: string;
  run_id: string;
  event: NotificationEvent;
  status: Generated<'pending' | 'delivered' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  response_status: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  delivered_at: NullableTimestamp;
}

export interface JobTriggersTable {
  id: Generated<string>;
  job_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  secret: Buffer;
  key_id: string;
  mapping: ColumnType<Record<string, string>, string | undefined, string>;
  fixed_values: ColumnType<Record<string, unknown>, string | undefined, string>;
  targets: ColumnType<unknown, string | null | undefined, string | null>;
  version: number | null;
  priority: Generated<number>;
  created_by: string | null;
  created_at: Generated<Date>;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface TriggerInvocationsTable {
  id: Generated<string>;
  trigger_id: string;
  at: Generated<Date>;
  remote_address: string | null;
  status: number;
  run_id: string | null;
  error: string | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Generated<Date>;
  actor: string;
  user_id: string | null;
  via: 'session' | 'token' | 'public' | 'system';
  address: string | null;
  method: string;
  route: string;
  path: string;
  action: string;
  target_id: string | null;
  status: number;
  request: ColumnType<unknown, string | null, never>;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
}

export interface Database {
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_throttle: LoginThrottleTable;
  credentials: CredentialsTable;
  hosts: HostsTable;
  host_groups: HostGroupsTable;
  host_group_children: HostGroupChildrenTable;
  host_group_members: HostGroupMembersTable;
  workers: WorkersTable;
  runs: RunsTable;
  executions: ExecutionsTable;
  execution_events: ExecutionEventsTable;
  host_checks: HostChecksTable;
  jobs: JobsTable;
  job_versions: JobVersionsTable;
  step_results: StepResultsTable;
  artifacts: ArtifactsTable;
  artifact_chunks: ArtifactChunksTable;
  notification_rules: NotificationRulesTable;
  notification_deliveries: NotificationDeliveriesTable;
  job_triggers: JobTriggersTable;
  audit_log: AuditLogTable;
  oidc_logins: OidcLoginsTable;
  trigger_invocations: TriggerInvocationsTable;
  schedules: SchedulesTable;
  schedule_fires: ScheduleFiresTable;
}

export interface SchedulesTable {
  id: Generated<string>;
  name: string;
  job_id: string;
  /** null: the job's current version at fire time. */
  version: number | null;
  /** Non-secret parameter values (JSON). */
  parameters: ColumnType<unknown, string | undefined, string>;
  secret_parameters: Buffer | null;
  secret_key_id: string | null;
  /** Names of the sealed values, shown as `***`. */
  secret_names: ColumnType<string[], string[] | undefined, string[]>;
  targets: ColumnType<unknown, string | null | undefined, string | null>;
  cron: string;
  time_zone: string;
  overlap: 'skip' | 'queue' | 'allow';
  misfire: 'skip' | 'run-once';
  priority: Generated<number>;
  enabled: Generated<boolean>;
  last_fire_at: NullableTimestamp;
  next_fire_at: NullableTimestamp;
  last_run_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ScheduleFiresTable {
  id: Generated<string>;
  schedule_id: string;
  fire_at: ColumnType<Date, Date | string, Date | string>;
  status: 'launching' | 'started' | 'waiting' | 'skipped' | 'failed' | 'missed';
  run_id: string | null;
  message: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ProjectsTable {
  id: Generated<string>;
  name: string;
  description: Generated<string>;
  created_at: Generated<Date>;
}

/** A user's role in a project; their rights there are the lesser of it and their global role. */
export interface ProjectMembersTable {
  project_id: string;
  user_id: string;
  role: 'operator' | 'viewer';
  created_at: Generated<Date>;
}
