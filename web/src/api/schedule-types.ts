/** The schedules API's shapes, mirrored from src/http/schedule-schemas.ts (checked by contract.check.ts). */
import type { RunStatus, TargetSelection } from './types.ts';

export type OverlapPolicy = 'skip' | 'queue' | 'allow';
export type MisfirePolicy = 'skip' | 'run-once';

export interface Schedule {
  readonly id: string;
  /** The project it belongs to. */
  readonly projectId: string;
  readonly name: string;
  readonly job: { readonly id: string; readonly name: string; readonly active: boolean };
  /** null: the job's latest version when it fires. */
  readonly version: number | null;
  /** Secret values are `***`. */
  readonly parameters: Record<string, unknown>;
  readonly targets: TargetSelection | null;
  readonly cron: string;
  readonly timeZone: string;
  readonly overlap: OverlapPolicy;
  readonly misfire: MisfirePolicy;
  /** The priority of the runs it starts. */
  readonly priority: number;
  readonly enabled: boolean;
  readonly lastFireAt: string | null;
  readonly nextFireAt: string | null;
  readonly lastRun: { readonly id: string; readonly status: RunStatus; readonly createdAt: string } | null;
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface CreateSchedule {
  name: string;
  jobId: string;
  version?: number | null;
  parameters?: Record<string, unknown>;
  targets?: TargetSelection | null;
  cron: string;
  timeZone?: string;
  overlap?: OverlapPolicy;
  misfire?: MisfirePolicy;
  priority?: number;
  enabled?: boolean;
}

export type ScheduleFireStatus = 'launching' | 'started' | 'waiting' | 'skipped' | 'failed' | 'missed';

export interface ScheduleFire {
  readonly id: string;
  readonly fireAt: string;
  readonly status: ScheduleFireStatus;
  readonly message: string | null;
  readonly run: { readonly id: string; readonly status: RunStatus } | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface PreviewSchedule {
  cron: string;
  timeZone?: string;
  count?: number;
}

export interface SchedulePreview {
  readonly fireTimes: string[];
  readonly timeZone: string;
}
