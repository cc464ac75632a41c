/**
 * A run's output as it streams in, kept per host and, for job runs, per step of each host: the
 * host's whole output and one buffer per step, so the page can show everything or a single step.
 * Where a step's output begins without a note of the server's own ("step 2 … started"), the
 * whole output gets a heading line, so it is always clear which step wrote what.
 */
import type { LogEvent } from '../api/types.ts';
import { OutputBuffer, type OutputView } from './output-buffer.ts';

/** Key of a host's whole output (no step) or of one step's output. */
export const outputKey = (executionId: string, step?: number | null): string =>
  step === undefined || step === null ? executionId : `${executionId}#${step}`;

export class RunOutputs {
  private readonly buffers = new Map<string, OutputBuffer>();
  private readonly lastStep = new Map<string, number | null>();

  /** `stepName(i)` gives the heading of step i, e.g. "2. Install". */
  constructor(private readonly stepName: (index: number) => string | undefined = () => undefined) {}

  /** Adds an event; returns the keys whose output changed (none for status events). */
  append(e: LogEvent): string[] {
    if (e.kind === 'status') return []; // statuses arrive as run snapshots
    const all = this.buffer(outputKey(e.executionId));
    const step = e.step ?? null;
    if (step !== null && this.lastStep.get(e.executionId) !== step && e.kind !== 'system') {
      all.append('system', `▸ ${this.stepName(step) ?? `step ${step + 1}`}`);
    }
    this.lastStep.set(e.executionId, step);
    all.append(e.kind, e.data);
    if (step === null) return [outputKey(e.executionId)];
    this.buffer(outputKey(e.executionId, step)).append(e.kind, e.data);
    return [outputKey(e.executionId), outputKey(e.executionId, step)];
  }

  snapshot(key: string): OutputView | undefined {
    return this.buffers.get(key)?.snapshot();
  }

  private buffer(key: string): OutputBuffer {
    let b = this.buffers.get(key);
    if (!b) {
      b = new OutputBuffer();
      this.buffers.set(key, b);
    }
    return b;
  }
}
