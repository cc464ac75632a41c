/**
 * A job definition after validation and normalisation: what the engine, the API and the UI work
 * with. The document form (YAML/JSON, `docs/job-schema.json`) is friendlier — parameters as a map,
 * step type aliases, `linux:`/`windows:` command variants — and is turned into this by
 * `definition.ts`. Pure types.
 */

export const PARAMETER_TYPES = ['string', 'integer', 'number', 'boolean', 'enum', 'array', 'secret'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** A parameter's value once validated. Enums with `multiple` and arrays are lists. */
export type ParamValue = string | number | boolean | readonly string[] | readonly number[];

interface ParameterBase {
  /** Key in `${{ parameters.<name> }}`: letters, digits and `_`, not starting with a digit. */
  readonly name: string;
  readonly description?: string | undefined;
  /** A run must supply a value when there is no default. */
  readonly required: boolean;
}

export type ParameterSpec =
  | (ParameterBase & {
      readonly type: 'string' | 'secret';
      readonly default?: string | undefined;
      readonly pattern?: string | undefined;
      readonly minLength?: number | undefined;
      readonly maxLength?: number | undefined;
    })
  | (ParameterBase & {
      readonly type: 'integer' | 'number';
      readonly default?: number | undefined;
      readonly minimum?: number | undefined;
      readonly maximum?: number | undefined;
    })
  | (ParameterBase & { readonly type: 'boolean'; readonly default?: boolean | undefined })
  | (ParameterBase & {
      readonly type: 'enum';
      readonly values: readonly string[];
      /** Multi-select: the value is a list of distinct members of `values`. */
      readonly multiple: boolean;
      readonly default?: string | readonly string[] | undefined;
    })
  | (ParameterBase & {
      readonly type: 'array';
      readonly items: 'string' | 'integer' | 'number';
      readonly minItems?: number | undefined;
      readonly maxItems?: number | undefined;
      readonly default?: readonly string[] | readonly number[] | undefined;
    });

export const STEP_TYPES = ['exec', 'script', 'upload', 'download', 'sync', 'local'] as const;
export type StepType = (typeof STEP_TYPES)[number];

/** The seed's step names, accepted in documents and normalised to a StepType. */
export const STEP_TYPE_ALIASES: Readonly<Record<string, StepType>> = {
  'ssh.exec': 'exec',
  'winrm.exec': 'exec',
  'ssh.copy': 'upload',
  'winrm.copy': 'upload',
  'sftp.upload': 'upload',
  'sftp.download': 'download',
  'sftp.sync': 'sync',
};

/** A command that may differ per operating system of a mixed fleet. */
export interface CommandVariants {
  /** Used on hosts whose OS has no variant of its own. */
  readonly default?: string | undefined;
  readonly linux?: string | undefined;
  readonly windows?: string | undefined;
}

/** When a step runs, judged on the steps before it on the same host. */
export type StepCondition =
  /** Every earlier step succeeded (or failed with continueOnError). The default. */
  | { readonly kind: 'success' }
  /** An earlier step failed. */
  | { readonly kind: 'failure' }
  | { readonly kind: 'always' }
  /** A named earlier step ended with one of these outcomes. */
  | { readonly kind: 'step'; readonly step: string; readonly outcomes: readonly StepOutcome[] };

export type StepOutcome = 'succeeded' | 'failed' | 'skipped';

export interface RetryPolicy {
  /** Further attempts after the first; 0 means none. */
  readonly attempts: number;
  /** Delay before the first retry; doubles each time. */
  readonly backoffSeconds: number;
  /** `connection`: only failures to reach the host (default); `any`: also a command that failed. */
  readonly on: 'connection' | 'any';
}

interface StepBase {
  /** Unique within the job; `${{ steps.<id>.stdout }}` refers to it. */
  readonly id: string;
  readonly name: string;
  readonly timeoutSeconds?: number | undefined;
  readonly retry: RetryPolicy;
  readonly continueOnError: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string | undefined;
  readonly when: StepCondition;
}

export type StepSpec =
  | (StepBase & {
      readonly type: 'exec';
      readonly command: CommandVariants;
      /** The user sudo runs the command as (Linux); unset: the login user. */
      readonly become?: string | undefined;
    })
  | (StepBase & {
      readonly type: 'script';
      readonly script: CommandVariants;
      /** e.g. `bash`, `python3`; default `sh` on Linux and `powershell` on Windows. */
      readonly interpreter?: string | undefined;
      readonly become?: string | undefined;
    })
  | (StepBase & { readonly type: 'upload'; readonly source: string; readonly destination: string })
  | (StepBase & { readonly type: 'download'; readonly source: string; readonly artifact: string })
  | (StepBase & { readonly type: 'sync'; readonly source: string; readonly destination: string })
  | (StepBase & { readonly type: 'local'; readonly command: string });

export interface TargetSelector {
  /** Host names (globs allowed, `web-*`). */
  readonly hosts?: readonly string[] | undefined;
  /** A selector expression (tags, labels, groups; see the inventory docs). */
  readonly selector?: string | undefined;
}

export interface Strategy {
  /** Hosts executing at once; unset: the worker pool decides. */
  readonly maxParallel?: number | undefined;
  /** Rolling batches: a host count, or a percentage of the targets (`'25%'`). */
  readonly batchSize?: number | `${number}%` | undefined;
  /** Failed hosts tolerated before the remaining hosts are skipped: count or percentage. */
  readonly maxFailures?: number | `${number}%` | undefined;
  /** `hostFirst`: each host runs all its steps; `stepFirst`: each step on every host before the next. */
  readonly order: 'hostFirst' | 'stepFirst';
  /** Allow this job to run on a host while another run executes there. */
  readonly allowConcurrentOnHost: boolean;
}

export interface JobDefinition {
  readonly name: string;
  readonly description?: string | undefined;
  readonly category?: string | undefined;
  readonly tags: readonly string[];
  readonly parameters: readonly ParameterSpec[];
  readonly targets?: TargetSelector | undefined;
  readonly strategy: Strategy;
  readonly steps: readonly StepSpec[];
}
