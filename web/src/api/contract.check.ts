/**
 * Compile-time only: fails `npm run typecheck` when the server's API shapes and the UI's mirror
 * (types.ts) drift apart. Nothing here reaches the browser bundle.
 */
import type { Static } from '@sinclair/typebox';
import type { FailureKind as ServerFailureKind } from '../../../src/connectors/connector.ts';
import type {
  ExecutionStatus as ServerExecutionStatus,
  RunStatus as ServerRunStatus,
} from '../../../src/domain/status.ts';
import type * as J from '../../../src/http/job-schemas.ts';
import type * as S from '../../../src/http/schemas.ts';
import type * as P from '../../../src/http/stream-protocol.ts';
import type * as W from './types.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type SameKeys<A, B> = Equal<keyof A, keyof B>;
type Expect<T extends true> = T;

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
  Expect<SameKeys<W.Credential, S.Credential>>,
  Expect<SameKeys<W.UpdateCredential, S.UpdateCredential>>,
  Expect<SameKeys<W.HostKey, Static<typeof S.HostKey>>>,
  Expect<SameKeys<W.HostCheck, S.HostCheck>>,
  Expect<SameKeys<W.Host, S.Host>>,
  Expect<SameKeys<W.CreateHost, S.CreateHost>>,
  Expect<SameKeys<W.UpdateHost, S.UpdateHost>>,
  Expect<SameKeys<W.Execution, S.Execution>>,
  Expect<SameKeys<W.RunCounts, Static<typeof S.RunCounts>>>,
  Expect<SameKeys<W.Run, S.Run>>,
  Expect<SameKeys<W.RunDetail, S.RunDetail>>,
  Expect<SameKeys<W.CreateRun, S.CreateRun>>,
  Expect<SameKeys<W.RunListQuery, Static<typeof S.RunListQuery>>>,
  Expect<SameKeys<W.LogEvent, S.LogEvent>>,
  Expect<SameKeys<W.LogPage, Static<typeof S.LogPage>>>,
  Expect<SameKeys<W.Health, Static<typeof S.Health>>>,
  Expect<Equal<W.JobFormat, J.JobFormat>>,
  Expect<SameKeys<W.JobWarning, Static<typeof J.JobWarning>>>,
  Expect<SameKeys<W.Job, J.Job>>,
  Expect<SameKeys<W.JobDetail, J.JobDetail>>,
  Expect<SameKeys<Extract<W.SaveJob, { document: string }>, Extract<J.SaveJob, { document: string }>>>,
  Expect<SameKeys<Extract<W.SaveJob, { definition: object }>, Extract<J.SaveJob, { definition: object }>>>,
  Expect<SameKeys<W.JobSaved, J.JobSaved>>,
  Expect<SameKeys<W.JobListQuery, J.JobListQuery>>,
  Expect<SameKeys<W.JobVersionSummary, J.JobVersionSummary>>,
  Expect<SameKeys<W.JobVersion, J.JobVersion>>,
  Expect<SameKeys<W.ApplyJobs['documents'][number], J.ApplyJobs['documents'][number]>>,
  Expect<SameKeys<W.JobApplied, J.JobApplied>>,
  Expect<Equal<W.JobApplied['action'], J.JobApplied['action']>>,
  Expect<SameKeys<W.ApplyResult, Static<typeof J.ApplyResult>>>,
  Expect<SameKeys<W.JobExportItem, J.JobExportItem>>,
  Expect<SameKeys<W.JobExport, Static<typeof J.JobExport>>>,
  Expect<Equal<W.StreamClientMessage['type'], P.ClientMessage['type']>>,
  Expect<Equal<W.StreamServerMessage['type'], P.ServerMessage['type']>>,
];
