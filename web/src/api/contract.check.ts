/**
 * Compile-time only: fails `npm run typecheck` when the server's API shapes and the UI's mirror
 * (types.ts) drift apart. Nothing here reaches the browser bundle.
 */
import type { Static } from '@sinclair/typebox';
import type { FailureKind as ServerFailureKind } from '../../../src/connectors/connector.ts';
import type * as D from '../../../src/domain/jobs/types.ts';
import type {
  ExecutionStatus as ServerExecutionStatus,
  RunStatus as ServerRunStatus,
} from '../../../src/domain/status.ts';
import type * as AU from '../../../src/http/audit-schemas.ts';
import type * as IM from '../../../src/http/import-schemas.ts';
import type * as I from '../../../src/http/inventory-schemas.ts';
import type * as R from '../../../src/http/job-run-schemas.ts';
import type * as J from '../../../src/http/job-schemas.ts';
import type * as N from '../../../src/http/notification-schemas.ts';
import type * as S from '../../../src/http/schemas.ts';
import type * as P from '../../../src/http/stream-protocol.ts';
import type * as T from '../../../src/http/trigger-schemas.ts';
import type * as US from '../../../src/http/user-schemas.ts';
import type * as WK from '../../../src/http/worker-schemas.ts';
import type * as WA from './audit-types.ts';
import type * as WI from './import-types.ts';
import type * as WJ from './job-types.ts';
import type * as WN from './notification-types.ts';
import type * as WT from './trigger-types.ts';
import type * as W from './types.ts';
import type * as WU from './user-types.ts';
import type * as WW from './worker-types.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type SameKeys<A, B> = Equal<keyof A, keyof B>;
type Expect<T extends true> = T;
/** The keys of one member of a union, picked by its `type`. */
type KeysOf<U, K> = keyof Extract<U, { type: K }>;
type SameVariant<A, B, K> = Equal<KeysOf<A, K>, KeysOf<B, K>>;

export type ContractChecks = [
  Expect<Equal<W.FailureKind, ServerFailureKind>>,
  Expect<Equal<W.RunStatus, ServerRunStatus>>,
  Expect<Equal<W.ExecutionStatus, ServerExecutionStatus>>,
  Expect<Equal<W.Role, Static<typeof S.Role>>>,
  Expect<Equal<W.CredentialKind, Static<typeof S.CredentialKind>>>,
  Expect<SameKeys<W.ErrorBody['error'], Static<typeof S.ErrorBody>['error']>>,
  Expect<SameKeys<W.User, S.User>>,
  Expect<SameKeys<W.Me, Static<typeof S.Me>>>,
  Expect<SameKeys<W.Token, S.Token>>,
  Expect<SameKeys<W.CreateToken, Static<typeof S.CreateToken>>>,
  Expect<SameKeys<W.CreatedToken, Static<typeof S.CreatedToken>>>,
  Expect<SameKeys<WU.UserDetail, US.UserDetail>>,
  Expect<SameKeys<WU.CreateUser, Static<typeof US.CreateUser>>>,
  Expect<SameKeys<WU.UpdateUser, Static<typeof US.UpdateUser>>>,
  Expect<SameKeys<WU.UserWithPassword, Static<typeof US.UserWithPassword>>>,
  Expect<SameKeys<WU.ChangePassword, Static<typeof US.ChangePassword>>>,
  Expect<SameKeys<WU.SessionsEnded, Static<typeof US.SessionsEnded>>>,
  Expect<SameKeys<W.Credential, S.Credential>>,
  Expect<SameKeys<W.UpdateCredential, S.UpdateCredential>>,
  Expect<SameKeys<W.HostKey, Static<typeof S.HostKey>>>,
  Expect<SameKeys<W.HostCheck, S.HostCheck>>,
  Expect<SameKeys<W.Host, S.Host>>,
  Expect<SameKeys<W.HostHealth, Static<typeof S.HostHealth>>>,
  Expect<SameKeys<W.HostFacts, Static<typeof S.HostFacts>>>,
  Expect<SameKeys<W.CreateHost, S.CreateHost>>,
  Expect<SameKeys<W.UpdateHost, S.UpdateHost>>,
  Expect<SameKeys<W.Group, I.Group>>,
  Expect<SameKeys<W.CreateGroup, I.CreateGroup>>,
  Expect<SameKeys<W.UpdateGroup, I.UpdateGroup>>,
  Expect<SameKeys<W.HostsBulk, I.HostsBulk>>,
  Expect<Equal<W.BulkAction, I.HostsBulk['action']>>,
  Expect<SameKeys<W.HostsBulkResult, I.HostsBulkResult>>,
  Expect<SameKeys<W.BulkCheck, Static<typeof I.BulkCheck>>>,
  Expect<SameKeys<W.CreateRun['targets'], S.CreateRun['targets']>>,
  Expect<Equal<W.StepResultStatus, Static<typeof S.StepResultStatus>>>,
  Expect<SameKeys<W.StepResult, S.StepResult>>,
  Expect<SameKeys<W.Execution, S.Execution>>,
  Expect<SameKeys<W.RunCounts, Static<typeof S.RunCounts>>>,
  Expect<SameKeys<W.Run, S.Run>>,
  Expect<Equal<W.RunKind, S.Run['kind']>>,
  Expect<Equal<W.RetryMode, NonNullable<S.Run['retryMode']>>>,
  Expect<SameKeys<W.RunJob, Static<typeof S.RunJob>>>,
  Expect<SameKeys<W.RunStep, Static<typeof S.RunStep>>>,
  Expect<SameKeys<W.Artifact, S.Artifact>>,
  Expect<SameKeys<W.RunDetail, S.RunDetail>>,
  Expect<SameKeys<W.TargetSelection, R.TargetSelection>>,
  Expect<SameKeys<NonNullable<W.RunDetail['targets']>, NonNullable<S.RunDetail['targets']>>>,
  Expect<SameKeys<W.LaunchJob, R.LaunchJob>>,
  Expect<SameKeys<W.RetryRun, Static<typeof R.RetryRun>>>,
  Expect<SameKeys<W.HostRef, Static<typeof R.HostRef>>>,
  Expect<SameKeys<W.ResolvedTargets, R.ResolvedTargets>>,
  Expect<SameKeys<W.JobStats, R.JobStats>>,
  Expect<SameKeys<W.CreateRun, S.CreateRun>>,
  Expect<SameKeys<W.RunListQuery, Static<typeof S.RunListQuery>>>,
  Expect<SameKeys<W.LogEvent, S.LogEvent>>,
  Expect<SameKeys<W.LogPage, Static<typeof S.LogPage>>>,
  Expect<SameKeys<W.Health, Static<typeof S.Health>>>,
  Expect<Equal<WJ.JobFormat, J.JobFormat>>,
  Expect<SameKeys<WJ.JobWarning, Static<typeof J.JobWarning>>>,
  Expect<SameKeys<WJ.Job, J.Job>>,
  Expect<SameKeys<WJ.JobDetail, J.JobDetail>>,
  Expect<SameKeys<Extract<WJ.SaveJob, { document: string }>, Extract<J.SaveJob, { document: string }>>>,
  Expect<SameKeys<Extract<WJ.SaveJob, { definition: object }>, Extract<J.SaveJob, { definition: object }>>>,
  Expect<SameKeys<WJ.JobSaved, J.JobSaved>>,
  Expect<SameKeys<WJ.JobListQuery, J.JobListQuery>>,
  Expect<SameKeys<WJ.JobVersionSummary, J.JobVersionSummary>>,
  Expect<SameKeys<WJ.JobVersion, J.JobVersion>>,
  Expect<SameKeys<WJ.ApplyJobs['documents'][number], J.ApplyJobs['documents'][number]>>,
  Expect<SameKeys<WJ.JobApplied, J.JobApplied>>,
  Expect<Equal<WJ.JobApplied['action'], J.JobApplied['action']>>,
  Expect<SameKeys<WJ.ApplyResult, Static<typeof J.ApplyResult>>>,
  Expect<SameKeys<WJ.JobExportItem, J.JobExportItem>>,
  Expect<SameKeys<WJ.JobExport, Static<typeof J.JobExport>>>,
  Expect<SameKeys<WJ.JobDefinition, D.JobDefinition>>,
  Expect<SameKeys<WJ.JobStrategy, D.Strategy>>,
  Expect<SameKeys<WJ.RetryPolicy, D.RetryPolicy>>,
  Expect<Equal<WJ.ParameterType, D.ParameterType>>,
  Expect<SameVariant<WJ.ParameterSpec, D.ParameterSpec, 'string'>>,
  Expect<SameVariant<WJ.ParameterSpec, D.ParameterSpec, 'integer'>>,
  Expect<SameVariant<WJ.ParameterSpec, D.ParameterSpec, 'boolean'>>,
  Expect<SameVariant<WJ.ParameterSpec, D.ParameterSpec, 'enum'>>,
  Expect<SameVariant<WJ.ParameterSpec, D.ParameterSpec, 'array'>>,
  Expect<Equal<WJ.StepSpec['type'], D.StepType>>,
  Expect<SameVariant<WJ.StepSpec, D.StepSpec, 'exec'>>,
  Expect<SameVariant<WJ.StepSpec, D.StepSpec, 'script'>>,
  Expect<SameVariant<WJ.StepSpec, D.StepSpec, 'upload'>>,
  Expect<SameVariant<WJ.StepSpec, D.StepSpec, 'download'>>,
  Expect<SameVariant<WJ.StepSpec, D.StepSpec, 'sync'>>,
  Expect<SameVariant<WJ.StepSpec, D.StepSpec, 'local'>>,
  Expect<Equal<WJ.StepCondition['kind'], D.StepCondition['kind']>>,
  Expect<SameKeys<WN.NotificationRule, N.NotificationRule>>,
  Expect<Equal<WN.NotificationRule['events'], N.NotificationRule['events']>>,
  Expect<SameKeys<WN.NotificationDelivery, N.NotificationDelivery>>,
  Expect<Equal<WN.CreateNotificationRule['kind'], N.CreateNotificationRule['kind']>>,
  Expect<
    SameKeys<
      Extract<WN.CreateNotificationRule, { kind: 'webhook' }>,
      Extract<N.CreateNotificationRule, { kind: 'webhook' }>
    >
  >,
  Expect<
    SameKeys<
      Extract<WN.CreateNotificationRule, { kind: 'email' }>,
      Extract<N.CreateNotificationRule, { kind: 'email' }>
    >
  >,
  Expect<SameKeys<WN.UpdateNotificationRule, N.UpdateNotificationRule>>,
  Expect<SameKeys<WT.Trigger, T.Trigger>>,
  Expect<SameKeys<WT.CreateTrigger, T.CreateTrigger>>,
  Expect<SameKeys<WT.CreatedTrigger, Static<typeof T.CreatedTrigger>>>,
  Expect<SameKeys<WT.TriggerInvocation, T.TriggerInvocation>>,
  Expect<SameKeys<WW.WorkerView, WK.WorkerView>>,
  Expect<Equal<WW.WorkerView['state'], WK.WorkerView['state']>>,
  Expect<SameKeys<WW.ExecutorStatus, WK.ExecutorStatus>>,
  Expect<SameKeys<WW.PoolStatus, WK.PoolStatus>>,
  Expect<SameKeys<WW.WorkerLoad, WK.WorkerLoad>>,
  Expect<SameKeys<WW.ExecutorStatus['workers'], WK.ExecutorStatus['workers']>>,
  Expect<SameKeys<WA.AuditEntry, AU.AuditEntry>>,
  Expect<SameKeys<WA.AuditQuery, AU.AuditQuery>>,
  Expect<SameKeys<WI.ImportHosts, IM.ImportHosts>>,
  Expect<Equal<WI.ImportFormat, IM.ImportHosts['format']>>,
  Expect<SameKeys<WI.ImportPlanView, IM.ImportPlanView>>,
  Expect<SameKeys<WI.ImportPlanView['hosts'][number], IM.ImportPlanView['hosts'][number]>>,
  Expect<Equal<W.StreamClientMessage['type'], P.ClientMessage['type']>>,
  Expect<Equal<W.StreamServerMessage['type'], P.ServerMessage['type']>>,
];
