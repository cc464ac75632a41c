/**
 * The public shapes of the HTTP API. Route schemas are built from these, the OpenAPI document
 * is generated from the routes, and the web client's types mirror them.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { FAILURE_KINDS } from '../connectors/connector.ts';
import { OSES, SHELLS, TRANSPORTS, WINRM_AUTHS } from '../domain/host-settings.ts';
import { Pool } from './pool-schemas.ts';
import { ProjectIdField, ProjectQuery } from './project-schemas.ts';

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
export const Timestamp = Type.String({ format: 'date-time' });
export const Id = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Id });

export const Name = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$' });

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
    }),
  },
  { $id: 'Error' },
);

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('viewer')]);

export const User = Type.Object({
  id: Id,
  username: Type.String(),
  role: Role,
  createdAt: Timestamp,
});
export type User = Static<typeof User>;

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export const Me = Type.Object({ user: User, csrfToken: Nullable(Type.String()) });

export const Token = Type.Object({
  id: Id,
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Timestamp,
  expiresAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
  /** The most the token may do; it acts with the lower of this and its user's current role. null: the user's role. */
  role: Nullable(Role),
});
export type Token = Static<typeof Token>;
export const CreateToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    /** Days until the token expires (default 90, at most 365). */
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, default: 90 })),
    /** At most the creator's role; default: the creator's role at creation. */
    role: Type.Optional(Role),
  },
  { additionalProperties: false },
);
export const CreatedToken = Type.Object({ token: Token, secret: Type.String() });

export const CredentialKind = Type.Union([
  Type.Literal('password'),
  Type.Literal('ssh-key'),
  Type.Literal('ssh-agent'),
]);
export const Credential = Type.Object({
  id: Id,
  projectId: Id,
  name: Type.String(),
  kind: CredentialKind,
  /** Public fingerprint of an ssh-key credential; never secret material. */
  fingerprint: Nullable(Type.String()),
  hostCount: Type.Integer(),
  createdAt: Timestamp,
  /** When the name or the secret last changed, and by whom (username; null once the user is deleted). */
  updatedAt: Timestamp,
  updatedBy: Nullable(Type.String()),
});
export type Credential = Static<typeof Credential>;
const Secret = Type.String({ minLength: 1, maxLength: 65536 });
export const CreateCredential = Type.Union(
  [
    Type.Object(
      { name: Name, projectId: ProjectIdField, kind: Type.Literal('password'), password: Secret },
      { additionalProperties: false, title: 'PasswordCredential' },
    ),
    Type.Object(
      {
        name: Name,
        projectId: ProjectIdField,
        kind: Type.Literal('ssh-key'),
        privateKey: Secret,
        passphrase: Type.Optional(Type.String({ maxLength: 1024 })),
      },
      { additionalProperties: false, title: 'SshKeyCredential' },
    ),
    Type.Object(
      {
        name: Name,
        projectId: ProjectIdField,
        kind: Type.Literal('ssh-agent'),
        forward: Type.Optional(
          Type.Boolean({ description: "forward the worker's agent to the host (ssh -A); default false" }),
        ),
      },
      { additionalProperties: false, title: 'SshAgentCredential' },
    ),
  ],
  { discriminator: { propertyName: 'kind' } },
);
export type CreateCredential = Static<typeof CreateCredential>;
export const UpdateCredential = Type.Object(
  {
    name: Type.Optional(Name),
    password: Type.Optional(Secret),
    privateKey: Type.Optional(Secret),
    passphrase: Type.Optional(Type.String({ maxLength: 1024 })),
    /** ssh-agent credentials: forward the agent to the host. */
    forward: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCredential = Static<typeof UpdateCredential>;

export const HostKey = Type.Object({ algorithm: Type.String(), fingerprint: Type.String() });
export const Literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((v) => Type.Literal(v)));
export const Os = Literals(OSES);
export const Transport = Literals(TRANSPORTS);
export const Shell = Literals(SHELLS);
const WinrmFields = {
  https: Type.Boolean({ description: 'HTTPS (5986) instead of HTTP with NTLM message encryption (5985)' }),
  auth: Literals(WINRM_AUTHS),
  allowUnencrypted: Type.Boolean({
    description: 'the host accepts unencrypted messages (needed for basic over plain HTTP)',
  }),
  caCert: Nullable(
    Type.String({ maxLength: 65536, description: 'PEM certificates the host certificate may chain to' }),
  ),
  skipVerify: Type.Boolean({ description: 'accept any HTTPS certificate' }),
};
export const WinrmSettings = Type.Object(WinrmFields);
const WinrmInput = Type.Partial(Type.Object(WinrmFields), { additionalProperties: false });
const ConnectionFields = {
  os: Type.Optional(Os),
  transport: Type.Optional(Transport),
  shell: Type.Optional(Shell),
  winrm: Type.Optional(WinrmInput),
};
export const FailureKindSchema = Type.Union(FAILURE_KINDS.map((k) => Type.Literal(k)));

export const HostCheck = Type.Object({
  ok: Type.Boolean(),
  failureKind: Nullable(FailureKindSchema),
  message: Type.String(),
  latencyMs: Nullable(Type.Integer()),
  checkedAt: Timestamp,
});
export type HostCheck = Static<typeof HostCheck>;

export const HEALTH_STATUSES = ['up', 'down', 'unknown'] as const;
/** The last connectivity check (periodic or by hand); `unknown` until the first one. */
export const HostHealth = Type.Object({
  status: Literals(HEALTH_STATUSES),
  latencyMs: Nullable(Type.Integer()),
  failureKind: Nullable(FailureKindSchema),
  message: Nullable(Type.String()),
  checkedAt: Nullable(Timestamp),
});
/** What the host reported about itself on first contact and each check. */
export const HostFacts = Type.Object({
  hostname: Nullable(Type.String()),
  os: Nullable(Type.String()),
  osVersion: Nullable(Type.String()),
  kernel: Nullable(Type.String()),
  arch: Nullable(Type.String()),
  gatheredAt: Timestamp,
});
const JumpHost = Nullable(
  Type.String({
    minLength: 1,
    maxLength: 128,
    description: "the bastion's name or id; null: connect directly",
  }),
);
export const Tag = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
export const Tags = Type.Array(Tag, { maxItems: 100 });
const LabelKey = '^[A-Za-z0-9_./-]{1,64}$';
export const Labels = Type.Unsafe<Record<string, string>>({
  type: 'object',
  patternProperties: { [LabelKey]: { type: 'string', maxLength: 256 } },
  additionalProperties: false,
  maxProperties: 100,
  description: 'keys: letters, digits and _ . / - (up to 64); values up to 256 characters',
});
export const GroupNames = Type.Array(Name, { maxItems: 100, description: 'groups the host is directly in' });

export const Host = Type.Object({
  id: Id,
  /** Its credentials, bastion and groups are in the same project; only that project's runs reach it. */
  projectId: Id,
  name: Type.String(),
  address: Type.String(),
  port: Type.Integer(),
  os: Os,
  transport: Transport,
  shell: Shell,
  /** Null for SSH hosts. */
  winrm: Nullable(WinrmSettings),
  username: Type.String(),
  credentialId: Nullable(Id),
  credentialName: Nullable(Type.String()),
  /** The password credential sudo gets for become steps; null: the login password, if any. */
  becomeCredentialId: Nullable(Id),
  becomeCredentialName: Nullable(Type.String()),
  hostKey: Nullable(HostKey),
  /** A key the host presented that differs from the recorded one, waiting to be accepted. */
  pendingHostKey: Nullable(HostKey),
  lastCheck: Nullable(HostCheck),
  /** The bastion's name; connections go through it (and its own bastion, if any). */
  jumpHost: Nullable(Type.String()),
  health: HostHealth,
  facts: Nullable(HostFacts),
  tags: Type.Array(Type.String()),
  labels: Type.Record(Type.String(), Type.String()),
  /** The worker pool that runs this host (a worker tag `key=value`); null: any worker. */
  pool: Nullable(Type.String()),
  /** The groups the host is directly in (selectors see their ancestors too). */
  groups: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Host = Static<typeof Host>;
const Address = Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:_\\[\\]-]+$' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Username = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s:/]+$' });
export const CreateHost = Type.Object(
  {
    name: Name,
    projectId: ProjectIdField,
    address: Address,
    port: Type.Optional(Port),
    ...ConnectionFields,
    username: Username,
    credentialId: Id,
    becomeCredentialId: Type.Optional(Nullable(Id)),
    jumpHost: Type.Optional(JumpHost),
    tags: Type.Optional(Tags),
    labels: Type.Optional(Labels),
    pool: Type.Optional(Nullable(Pool)),
    groups: Type.Optional(GroupNames),
  },
  { additionalProperties: false },
);
export type CreateHost = Static<typeof CreateHost>;
export const UpdateHost = Type.Object(
  {
    name: Type.Optional(Name),
    address: Type.Optional(Address),
    port: Type.Optional(Port),
    ...ConnectionFields,
    username: Type.Optional(Username),
    credentialId: Type.Optional(Id),
    becomeCredentialId: Type.Optional(Nullable(Id)),
    jumpHost: Type.Optional(JumpHost),
    tags: Type.Optional(Tags),
    labels: Type.Optional(Labels),
    pool: Type.Optional(Nullable(Pool)),
    groups: Type.Optional(GroupNames),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateHost = Static<typeof UpdateHost>;

export const RunStatusSchema = Type.Union(
  ['queued', 'running', 'succeeded', 'failed', 'canceled'].map((s) => Type.Literal(s)),
);
export const ExecutionStatusSchema = Type.Union(
  ['queued', 'running', 'succeeded', 'failed', 'canceled', 'lost', 'skipped'].map((s) => Type.Literal(s)),
);

export const StepResultStatus = Literals(['running', 'succeeded', 'failed', 'skipped', 'canceled'] as const);
/** What one step did on one host. Steps not reached yet have no result. */
export const StepResult = Type.Object({
  /** The step's place in the job (0-based). */
  index: Type.Integer(),
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  status: StepResultStatus,
  /** Attempts made, retries included (0 for a skipped step). */
  attempts: Type.Integer(),
  exitCode: Nullable(Type.Integer()),
  failureKind: Nullable(FailureKindSchema),
  failureMessage: Nullable(Type.String()),
  /** Failed, but the step has continueOnError: the host went on. */
  tolerated: Type.Boolean(),
  startedAt: Nullable(Timestamp),
  finishedAt: Nullable(Timestamp),
  durationMs: Nullable(Type.Integer()),
});
export type StepResult = Static<typeof StepResult>;

export const Execution = Type.Object({
  id: Id,
  hostId: Nullable(Id),
  hostName: Type.String(),
  status: ExecutionStatusSchema,
  failureKind: Nullable(FailureKindSchema),
  failureMessage: Nullable(Type.String()),
  exitCode: Nullable(Type.Integer()),
  outputBytes: Type.Integer(),
  truncatedBytes: Type.Integer(),
  createdAt: Timestamp,
  startedAt: Nullable(Timestamp),
  finishedAt: Nullable(Timestamp),
  /** The rolling batch this host belongs to (0-based; 0 when the run has one batch). */
  batch: Type.Integer(),
  /** The worker that runs or ran it (the last one, if it was handed back); null before a claim. */
  workerId: Nullable(Type.String()),
  /** The worker pool it was routed to; null: any worker. */
  pool: Nullable(Type.String()),
  /** Job runs: a result per step reached so far, in step order. Ad-hoc runs: empty. */
  steps: Type.Array(StepResult),
});
export type Execution = Static<typeof Execution>;

export const RunCounts = Type.Object({
  total: Type.Integer(),
  queued: Type.Integer(),
  running: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  canceled: Type.Integer(),
  lost: Type.Integer(),
  skipped: Type.Integer(),
});

export const Priority = Type.Integer({
  minimum: -100,
  maximum: 100,
  description: 'higher starts first when workers are saturated; default 0',
});
export const RunJob = Type.Object({ id: Id, name: Type.String(), version: Type.Integer() });
export const Run = Type.Object({
  id: Id,
  /** The job's project, or the ad-hoc run's; its hosts are that project's. */
  projectId: Id,
  kind: Literals(['adhoc', 'job'] as const),
  /** The ad-hoc command; null for a job run. */
  command: Nullable(Type.String()),
  /** The job and the exact version a job run ran; null for an ad-hoc run. */
  job: Nullable(RunJob),
  /** The run this one retried (`retryMode` failed) or re-ran (`all`). */
  retryOf: Nullable(Id),
  retryMode: Nullable(Literals(['failed', 'all'] as const)),
  status: RunStatusSchema,
  timeoutMs: Type.Integer(),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
  startedAt: Nullable(Timestamp),
  finishedAt: Nullable(Timestamp),
  priority: Type.Integer(),
  counts: RunCounts,
});
export type Run = Static<typeof Run>;
export const RunStep = Type.Object({
  index: Type.Integer(),
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
});
export const Artifact = Type.Object({
  id: Id,
  executionId: Id,
  hostName: Type.String(),
  stepIndex: Type.Integer(),
  name: Type.String(),
  size: Type.Integer(),
  sha256: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type Artifact = Static<typeof Artifact>;
export const RunDetail = Type.Intersect([
  Run,
  Type.Object({
    executions: Type.Array(Execution),
    /** Job runs: the version's steps, in order. Ad-hoc runs: empty. */
    steps: Type.Array(RunStep),
    /** The values the run used; secret parameters show as `***`. Ad-hoc runs: {}. */
    parameters: Type.Record(Type.String(), Type.Unknown()),
    /** The target selection as given at launch (or taken from the job). */
    targets: Nullable(
      Type.Object({
        hosts: Type.Optional(Type.Array(Type.String())),
        selector: Type.Optional(Type.String()),
      }),
    ),
    /** Files downloaded by the run's `download` steps (complete ones only). */
    artifacts: Type.Array(Artifact),
  }),
]);
export type RunDetail = Static<typeof RunDetail>;

export const CreateRun = Type.Object(
  {
    command: Type.String({ minLength: 1, maxLength: 65536 }),
    /** The hosts are resolved in this project only. */
    projectId: ProjectIdField,
    targets: Type.Object(
      {
        hosts: Type.Optional(
          Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 10000 }),
        ),
        selector: Type.Optional(
          Type.String({ minLength: 1, maxLength: 4096, description: 'a selector expression' }),
        ),
      },
      {
        additionalProperties: false,
        minProperties: 1,
        description: 'host names or ids, a selector, or both (their union)',
      },
    ),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 24 * 3600 })),
    priority: Type.Optional(Priority),
  },
  { additionalProperties: false },
);
export type CreateRun = Static<typeof CreateRun>;

export const RunListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    before: Type.Optional(Timestamp),
    status: Type.Optional(RunStatusSchema),
    job: Type.Optional(Id),
    project: ProjectQuery,
  },
  { additionalProperties: false },
);

export const LogEventKind = Type.Union(['stdout', 'stderr', 'status', 'system'].map((k) => Type.Literal(k)));
export const LogEvent = Type.Object({
  executionId: Id,
  seq: Type.Integer(),
  kind: LogEventKind,
  data: Type.String(),
  at: Timestamp,
  /** The step (index) this event belongs to; null in ad-hoc runs and outside steps. */
  step: Nullable(Type.Integer()),
});
export type LogEvent = Static<typeof LogEvent>;
export const LogQuery = Type.Object(
  {
    execution: Type.Optional(Id),
    after: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
  },
  { additionalProperties: false },
);
export const LogPage = Type.Object({ events: Type.Array(LogEvent), more: Type.Boolean() });

export const Health = Type.Object({
  /** `degraded`: the process runs but cannot reach the database (it reconnects by itself). */
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  database: Type.Boolean(),
  version: Type.String(),
});
