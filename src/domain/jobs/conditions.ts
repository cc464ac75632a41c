/**
 * Whether a step runs, judged on the results of the steps before it on the same host, and what
 * a host's steps add up to. Pure.
 */
import type { StepCondition } from './types.ts';

export interface PriorStep {
  readonly id: string;
  readonly status: 'succeeded' | 'failed' | 'skipped' | 'canceled';
  /** Failed, but the step has continueOnError. */
  readonly tolerated: boolean;
}

/** A failure that stops the `success` path: failed or canceled, and not tolerated. */
const stops = (s: PriorStep) => (s.status === 'failed' || s.status === 'canceled') && !s.tolerated;

export function shouldRun(when: StepCondition, prior: readonly PriorStep[]): boolean {
  switch (when.kind) {
    case 'always':
      return true;
    case 'success':
      return !prior.some(stops);
    case 'failure':
      return prior.some(stops);
    case 'step': {
      const named = prior.find((s) => s.id === when.step);
      if (!named) return false;
      const outcome = named.status === 'canceled' ? 'failed' : named.status;
      return when.outcomes.includes(outcome);
    }
  }
}

/** Why a step does not run, for its record. */
export function skipReason(when: StepCondition): string {
  switch (when.kind) {
    case 'success':
      return 'skipped: an earlier step failed';
    case 'failure':
      return 'skipped: runs only when an earlier step failed, and none did';
    case 'always':
      return 'skipped';
    case 'step':
      return `skipped: step "${when.step}" did not end ${when.outcomes.join(' or ')}`;
  }
}

/** The first step that failed without continueOnError, if any: it decides the host's outcome. */
export function firstStoppingFailure<T extends PriorStep>(steps: readonly T[]): T | undefined {
  return steps.find(stops);
}
