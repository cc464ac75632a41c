/** Per-step results of executions, and what the engine needs to go on from them. */
import type { FailureKind } from '../connectors/connector.ts';
import type { StepOutputs } from '../domain/jobs/render.ts';
import type { Db } from './pool.ts';
import type { StepResultsTable } from './types.ts';

export type StepStatus = StepResultsTable['status'];

/** A finished step as later steps see it: outcome and captured outputs. */
export interface StoredStep {
  readonly index: number;
  readonly id: string;
  readonly status: Exclude<StepStatus, 'running'>;
  readonly tolerated: boolean;
  readonly exitCode: number | null;
  readonly failureKind: FailureKind | null;
  readonly failureMessage: string | null;
  readonly outputs: StepOutputs | null;
}

export async function startStep(
  db: Db,
  s: { executionId: string; index: number; id: string; name: string; type: string },
): Promise<void> {
  await db
    .insertInto('step_results')
    .values({
      execution_id: s.executionId,
      step_index: s.index,
      step_id: s.id,
      step_name: s.name,
      step_type: s.type,
      status: 'running',
      started_at: new Date(),
    })
    .onConflict((oc) =>
      oc.columns(['execution_id', 'step_index']).doUpdateSet({
        status: 'running',
        started_at: new Date(),
        finished_at: null,
        exit_code: null,
        failure_kind: null,
        failure_message: null,
        attempts: 0,
      }),
    )
    .execute();
}

export async function countAttempt(db: Db, executionId: string, index: number): Promise<void> {
  await db
    .updateTable('step_results')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('execution_id', '=', executionId)
    .where('step_index', '=', index)
    .execute();
}

export async function finishStep(db: Db, executionId: string, r: Omit<StoredStep, 'id'>): Promise<void> {
  await db
    .updateTable('step_results')
    .set({
      status: r.status,
      tolerated: r.tolerated,
      exit_code: r.exitCode,
      failure_kind: r.failureKind,
      failure_message: r.failureMessage,
      outputs: r.outputs ? JSON.stringify(r.outputs) : null,
      finished_at: new Date(),
    })
    .where('execution_id', '=', executionId)
    .where('step_index', '=', r.index)
    .execute();
}

/** A step that did not run: its `when` was false. */
export async function recordSkippedStep(
  db: Db,
  s: { executionId: string; index: number; id: string; name: string; type: string; reason: string },
): Promise<void> {
  const now = new Date();
  await db
    .insertInto('step_results')
    .values({
      execution_id: s.executionId,
      step_index: s.index,
      step_id: s.id,
      step_name: s.name,
      step_type: s.type,
      status: 'skipped',
      failure_message: s.reason,
      started_at: now,
      finished_at: now,
    })
    .onConflict((oc) => oc.columns(['execution_id', 'step_index']).doNothing())
    .execute();
}

/** The finished steps of an execution, in order (a stepFirst execution resuming on any worker). */
export async function loadSteps(db: Db, executionId: string): Promise<StoredStep[]> {
  const rows = await db
    .selectFrom('step_results')
    .selectAll()
    .where('execution_id', '=', executionId)
    .where('status', '!=', 'running')
    .orderBy('step_index')
    .execute();
  return rows.map((r) => ({
    index: r.step_index,
    id: r.step_id,
    status: r.status as StoredStep['status'],
    tolerated: r.tolerated,
    exitCode: r.exit_code,
    failureKind: r.failure_kind as FailureKind | null,
    failureMessage: r.failure_message,
    outputs: (r.outputs as StepOutputs | null) ?? null,
  }));
}
