/** Prints a run's output events as host-prefixed lines, buffering partial lines per host+stream. */
import { isFinalExecution } from '../domain/status.ts';
import type { LogEvent } from '../http/schemas.ts';
import { LineSplitter, type MarkKind, type Palette, palette, prefixLine } from './output.ts';

export interface ExecutionName {
  readonly id: string;
  readonly hostName: string;
}

/** A job's step as the run lists it, for the headings. */
export interface StepName {
  readonly index: number;
  readonly name: string;
}

export class HostOutput {
  private readonly names = new Map<string, string>();
  private readonly splitters = new Map<string, LineSplitter>();
  /** The step each execution's last event belonged to. */
  private readonly currentStep = new Map<string, number>();
  private steps: readonly StepName[] = [];
  private width = 0;

  constructor(
    private readonly write: (s: string) => void,
    private readonly colors: Palette = palette(false),
  ) {}

  /** Learns host names (and so the prefix width) from a run's executions. */
  setExecutions(executions: readonly ExecutionName[]): void {
    for (const e of executions) this.names.set(e.id, e.hostName);
    this.width = Math.max(this.width, ...executions.map((e) => e.hostName.length));
  }

  /** A job run's steps: a heading is printed whenever a host's events move to another step. */
  setSteps(steps: readonly StepName[]): void {
    this.steps = steps;
  }

  event(e: LogEvent): void {
    if (e.step !== null && this.currentStep.get(e.executionId) !== e.step) {
      // What is pending belongs to the step before.
      this.flush(e.executionId);
      this.currentStep.set(e.executionId, e.step);
      this.line(e.executionId, 'step', this.heading(e.step));
    }
    switch (e.kind) {
      case 'stdout':
      case 'stderr': {
        const key = `${e.executionId}:${e.kind}`;
        let splitter = this.splitters.get(key);
        if (!splitter) {
          splitter = new LineSplitter();
          this.splitters.set(key, splitter);
        }
        for (const line of splitter.push(e.data)) this.line(e.executionId, e.kind, line);
        return;
      }
      case 'system':
        this.flush(e.executionId);
        for (const line of e.data.replace(/\n$/, '').split('\n')) this.line(e.executionId, 'system', line);
        return;
      case 'status': {
        // A final status means no more output: print what is pending, and say why a host failed.
        const s = parseStatus(e.data);
        if (!isFinalExecution(s.status)) return;
        this.flush(e.executionId);
        if (s.status !== 'succeeded') {
          const kind = s.failureKind === s.status ? '' : s.failureKind;
          const why = [kind, s.message].filter(Boolean).join(': ');
          this.line(e.executionId, 'system', why ? `${s.status}: ${why}` : s.status);
        }
        return;
      }
    }
  }

  /** Prints the unfinished lines of one execution, or of all. */
  flush(executionId?: string): void {
    for (const [key, splitter] of this.splitters) {
      const [id, kind] = key.split(':') as [string, 'stdout' | 'stderr'];
      if (executionId !== undefined && id !== executionId) continue;
      const rest = splitter.end();
      if (rest !== null) this.line(id, kind, rest);
    }
  }

  /** `step 2/4: Upload release` */
  private heading(index: number): string {
    const step = this.steps.find((s) => s.index === index);
    const of = this.steps.length > 0 ? `/${this.steps.length}` : '';
    return `step ${index + 1}${of}${step ? `: ${step.name}` : ''}`;
  }

  private line(executionId: string, kind: MarkKind, text: string): void {
    const name = this.names.get(executionId) ?? executionId.slice(0, 8);
    this.write(prefixLine(name, Math.max(this.width, name.length), kind, text, this.colors));
  }
}

/** What a `status` event's JSON data says (empty strings when unreadable). */
export function parseStatus(data: string): { status: string; failureKind: string; message: string } {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  try {
    const d = JSON.parse(data) as Record<string, unknown>;
    return { status: str(d.status), failureKind: str(d.failureKind), message: str(d.message) };
  } catch {
    return { status: '', failureKind: '', message: '' };
  }
}
