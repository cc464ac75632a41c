/**
 * Compile-time only, as contract.check.ts: fails `npm run typecheck` when the schedules API
 * (src/http/schedule-schemas.ts) and the UI's mirror (schedule-types.ts) drift apart.
 */
import type { Static } from '@sinclair/typebox';
import type * as S from '../../../src/http/schedule-schemas.ts';
import type * as W from './schedule-types.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type SameKeys<A, B> = Equal<keyof A, keyof B>;
type Expect<T extends true> = T;

export type ScheduleContractChecks = [
  Expect<SameKeys<W.Schedule, S.Schedule>>,
  Expect<SameKeys<W.Schedule['job'], S.Schedule['job']>>,
  Expect<SameKeys<NonNullable<W.Schedule['lastRun']>, NonNullable<S.Schedule['lastRun']>>>,
  Expect<Equal<W.OverlapPolicy, Static<typeof S.OverlapPolicy>>>,
  Expect<Equal<W.MisfirePolicy, Static<typeof S.MisfirePolicy>>>,
  Expect<SameKeys<W.CreateSchedule, S.CreateSchedule>>,
  Expect<SameKeys<W.ScheduleFire, Static<typeof S.ScheduleFire>>>,
  Expect<Equal<W.ScheduleFireStatus, Static<typeof S.ScheduleFire>['status']>>,
  Expect<SameKeys<W.PreviewSchedule, Static<typeof S.PreviewSchedule>>>,
  Expect<SameKeys<W.SchedulePreview, Static<typeof S.SchedulePreview>>>,
];
