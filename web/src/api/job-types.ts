/**
 * The jobs API's JSON shapes as the UI sees them: src/http/job-schemas.ts and the normalised
 * definition of src/domain/jobs/types.ts. contract.check.ts compares them with the server's.
 */
import type { TargetSelection } from './types.ts';

export type JobFormat = 'yaml' | 'json';

/** A remark about a valid definition that is probably not what was meant. */
export interface JobWarning {
  readonly path: string;
  readonly message: string;
}

interface ParameterBase {
  /** Key in `${{ parameters.<name> }}`. */
  readonly name: string;
  readonly description?: string;
  /** A run must supply a value when there is no default. */
  readonly required: boolean;
}

/** A parameter of a job, as the run form is built from it (src/domain/jobs/types.ts ParameterSpec). */
export type ParameterSpec =
  | (ParameterBase & {
      readonly type: 'string' | 'secret';
      readonly default?: string;
      readonly pattern?: string;
      readonly minLength?: number;
      readonly maxLength?: number;
    })
  | (ParameterBase & {
      readonly type: 'integer' | 'number';
      readonly default?: number;
      readonly minimum?: number;
      readonly maximum?: number;
    })
  | (ParameterBase & { readonly type: 'boolean'; readonly default?: boolean })
  | (ParameterBase & {
      readonly type: 'enum';
      readonly values: readonly string[];
      /** Multi-select: the value is a list of distinct members of `values`. */
      readonly multiple: boolean;
      readonly default?: string | readonly string[];
    })
  | (ParameterBase & {
      readonly type: 'array';
      readonly items: 'string' | 'integer' | 'number';
      readonly minItems?: number;
      readonly maxItems?: number;
      readonly default?: readonly string[] | readonly number[];
    });

export type ParameterType = ParameterSpec['type'];

/** A command that may differ per operating system of a mixed fleet. */
export interface CommandVariants {
  readonly default?: string;
  readonly linux?: string;
  readonly windows?: string;
}

export type StepCondition =
  | { readonly kind: 'success' }
  | { readonly kind: 'failure' }
  | { readonly kind: 'always' }
  | {
      readonly kind: 'step';
      readonly step: string;
      readonly outcomes: readonly ('succeeded' | 'failed' | 'skipped')[];
    };

export interface RetryPolicy {
  readonly attempts: number;
  readonly backoffSeconds: number;
  readonly on: 'connection' | 'any';
}

interface StepBase {
  readonly id: string;
  readonly name: string;
  readonly timeoutSeconds?: number;
  readonly retry: RetryPolicy;
  readonly continueOnError: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly when: StepCondition;
}

/** A step of the normalised definition (src/domain/jobs/types.ts StepSpec). */
export type StepSpec =
  | (StepBase & { readonly type: 'exec'; readonly command: CommandVariants; readonly become?: string })
  | (StepBase & {
      readonly type: 'script';
      readonly script: CommandVariants;
      readonly interpreter?: string;
      readonly become?: string;
    })
  | (StepBase & { readonly type: 'upload'; readonly source: string; readonly destination: string })
  | (StepBase & { readonly type: 'download'; readonly source: string; readonly artifact: string })
  | (StepBase & { readonly type: 'sync'; readonly source: string; readonly destination: string })
  | (StepBase & { readonly type: 'local'; readonly command: string });

export interface JobStrategy {
  readonly maxParallel?: number;
  /** A host count, or a share of the targets (`'25%'`). */
  readonly batchSize?: number | string;
  /** Failed hosts tolerated before the rest are skipped: a count or a share. */
  readonly maxFailures?: number | string;
  readonly order: 'hostFirst' | 'stepFirst';
  readonly allowConcurrentOnHost: boolean;
}

/** The normalised definition (src/domain/jobs/types.ts JobDefinition). */
export interface JobDefinition {
  readonly name: string;
  readonly description?: string;
  readonly category?: string;
  readonly tags: readonly string[];
  readonly parameters: readonly ParameterSpec[];
  readonly targets?: TargetSelection;
  readonly strategy: JobStrategy;
  readonly steps: readonly StepSpec[];
}

export interface Job {
  readonly id: string;
  /** The project it belongs to. */
  readonly projectId: string;
  readonly name: string;
  readonly description: string | null;
  readonly category: string | null;
  readonly tags: string[];
  readonly active: boolean;
  /** The current version's number. */
  readonly version: number;
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface JobDetail extends Job {
  readonly definition: JobDefinition;
  /** How many versions the job has. */
  readonly versions: number;
}

export type SaveJob =
  | { readonly document: string; readonly format?: JobFormat; readonly projectId?: string }
  | { readonly definition: Record<string, unknown>; readonly projectId?: string };

export interface JobSaved {
  readonly job: JobDetail;
  readonly version: number;
  /** False when the definition equalled the current version, so no version was made. */
  readonly changed: boolean;
  readonly warnings: JobWarning[];
}

export interface JobListQuery {
  readonly q?: string;
  /** Only this project's jobs (id or name). */
  readonly project?: string;
  readonly category?: string;
  readonly tag?: string;
  readonly active?: boolean;
}

export interface JobVersionSummary {
  readonly version: number;
  readonly author: string | null;
  readonly createdAt: string;
  readonly hash: string;
}

export interface JobVersion extends JobVersionSummary {
  readonly definition: JobDefinition;
  /** The document as it was submitted. */
  readonly source: string;
  readonly format: JobFormat;
}

export interface ApplyJobs {
  readonly documents: { readonly name?: string; readonly document: string; readonly format?: JobFormat }[];
}

export interface JobApplied {
  readonly document: string | null;
  readonly id: string;
  readonly name: string;
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly version: number;
  readonly warnings: JobWarning[];
}

export interface ApplyResult {
  readonly results: JobApplied[];
}

export interface JobExportItem {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly format: JobFormat;
  readonly source: string;
}

export interface JobExport {
  readonly jobs: JobExportItem[];
}
