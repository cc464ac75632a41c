/**
 * The job document schema: what a user writes in YAML or JSON. Published as `docs/job-schema.json`
 * (`npx tsx scripts/job-schema.ts`). Per-type rules for parameters and steps are `if`/`then`
 * branches on `type`, so an editor flags a property that does not belong to the chosen type.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { PARAMETER_TYPES, STEP_TYPE_ALIASES, STEP_TYPES, type StepType } from './types.ts';

/** Patterns and the sentence an error message uses for each. */
export const PATTERNS = {
  /** Parameter and environment variable names. */
  parameterName: '^[A-Za-z_][A-Za-z0-9_]*$',
  stepId: '^[A-Za-z0-9_][A-Za-z0-9_-]*$',
  notBlank: '\\S',
  batchPercent: '^(100|[1-9][0-9]?)%$',
  failurePercent: '^(100|[1-9]?[0-9])%$',
} as const;

export const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  [PATTERNS.parameterName]: 'must use only letters, digits and _, and not start with a digit',
  [PATTERNS.stepId]: 'must use only letters, digits, _ and -, and not start with -',
  [PATTERNS.notBlank]: 'must not be blank',
  [PATTERNS.batchPercent]: 'must be a positive whole number of hosts or a percentage from 1% to 100%',
  [PATTERNS.failurePercent]: 'must be a whole number of hosts or a percentage from 0% to 100%',
};

const Text = (options: object = {}) => Type.String({ minLength: 1, ...options });
const PositiveInt = (options: object = {}) => Type.Integer({ minimum: 1, ...options });
const Count = (options: object = {}) => Type.Integer({ minimum: 0, ...options });
/** Any value; used where a per-type branch decides the shape. */
const Anything = Type.Unknown();

export const StepTypeName = Type.Union(
  [...STEP_TYPES, ...Object.keys(STEP_TYPE_ALIASES)].map((t) => Type.Literal(t)),
  {
    description: `One of ${STEP_TYPES.join(', ')}, or a seed alias (${Object.keys(STEP_TYPE_ALIASES).join(', ')}).`,
  },
);

const Variants = Type.Object(
  {
    default: Type.Optional(Text({ description: 'Used on hosts whose OS has no variant of its own.' })),
    linux: Type.Optional(Text()),
    windows: Type.Optional(Text()),
  },
  { additionalProperties: false, minProperties: 1, title: 'per-OS command' },
);
const Command = Type.Union([Text(), Variants], {
  description: 'A command, or per-OS variants { linux, windows, default }.',
});

const Env = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
  propertyNames: { pattern: PATTERNS.parameterName },
  title: 'map of environment variables',
  description: 'Environment variables for the command.',
});

const Timeout = PositiveInt({ description: 'Seconds before the step is stopped and fails.' });

const Outcome = Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('skipped')]);
const When = Type.Union(
  [
    Type.Literal('success'),
    Type.Literal('failure'),
    Type.Literal('always'),
    Type.Object(
      {
        step: Type.String({ pattern: PATTERNS.stepId, description: 'The id of an earlier step.' }),
        is: Type.Union([Outcome, Type.Array(Outcome, { minItems: 1, uniqueItems: true })]),
      },
      { additionalProperties: false, title: 'step condition' },
    ),
  ],
  { description: 'success (default), failure, always, or { step, is } on an earlier step.' },
);

const Retries = Type.Union(
  [
    Count({ description: 'Further attempts after the first, on connection failures.' }),
    Type.Object(
      {
        attempts: Count(),
        backoff: Type.Optional(
          Type.Number({ exclusiveMinimum: 0, description: 'Seconds before the first retry; doubles.' }),
        ),
        on: Type.Optional(Type.Union([Type.Literal('connection'), Type.Literal('any')])),
      },
      { additionalProperties: false, title: 'retry policy' },
    ),
  ],
  { description: 'A number of retries, or { attempts, backoff, on: connection | any }.' },
);

/** Every field a step or its `config` may hold; which apply depends on the type (below). */
const stepFields = {
  command: Command,
  script: Command,
  interpreter: Text({ description: 'e.g. bash, python3; default sh on Linux, powershell on Windows.' }),
  source: Text(),
  destination: Text(),
  artifact: Text({ description: 'Name of the downloaded file in the run artifacts.' }),
  timeout: Timeout,
  cwd: Text(),
  env: Env,
  become: Type.Union([Type.Boolean(), Type.String({ pattern: '^[a-z_][a-z0-9_.-]{0,31}$' })], {
    description:
      "Run as root (true) or as this user, with sudo (Linux hosts). sudo gets the host's become credential, else its login password, on the SSH channel; without either it must not ask for one.",
  }),
};
const seedConfigFields = {
  working_directory: Text(),
  environment: Env,
  local_path: Text(),
  remote_path: Text(),
};

/** The fields each step type takes, besides the common ones. */
export const STEP_FIELDS: Readonly<Record<StepType, readonly (keyof typeof stepFields)[]>> = {
  exec: ['command', 'cwd', 'env', 'become'],
  script: ['script', 'interpreter', 'cwd', 'env', 'become'],
  upload: ['source', 'destination'],
  download: ['source', 'artifact'],
  sync: ['source', 'destination'],
  local: ['command', 'cwd', 'env'],
};
const COMMON_STEP_KEYS = ['name', 'id', 'type', 'config', 'timeout', 'retries', 'continueOnError', 'when'];

/** Seed spellings inside `config`, by step type, and the field each stands for. */
export const SEED_CONFIG_FIELDS: Readonly<Record<StepType, Readonly<Record<string, string>>>> = {
  exec: { working_directory: 'cwd', environment: 'env' },
  script: { working_directory: 'cwd', environment: 'env' },
  upload: { local_path: 'source', remote_path: 'destination' },
  download: { remote_path: 'source', local_path: 'artifact' },
  sync: { local_path: 'source', remote_path: 'destination' },
  local: { working_directory: 'cwd', environment: 'env' },
};

/** A JSON Schema `if`/`then` pair (not a promise, whatever a `then` key suggests). */
function ifThen(condition: object, then: object): object {
  return { if: condition, then };
}

const allowOnly = (keys: readonly string[], override: Record<string, TSchema> = {}) =>
  Object.fromEntries(keys.map((k) => [k, override[k] ?? Anything]));

const namesOf = (type: StepType) => [
  type,
  ...Object.keys(STEP_TYPE_ALIASES).filter((a) => STEP_TYPE_ALIASES[a] === type),
];

function stepBranch(type: StepType) {
  const fields = STEP_FIELDS[type];
  const override: Record<string, TSchema> = type === 'local' ? { command: Text() } : {};
  return ifThen(
    { properties: { type: { enum: namesOf(type) } }, required: ['type'] },
    {
      title: `${type} step`,
      properties: {
        ...allowOnly([...COMMON_STEP_KEYS, ...fields], override),
        config: {
          title: `${type} step config`,
          properties: allowOnly(['timeout', ...fields, ...Object.keys(SEED_CONFIG_FIELDS[type])], override),
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  );
}

export const Step = Type.Object(
  {
    name: Text({ description: 'Shown in the run view.' }),
    id: Type.Optional(
      Type.String({
        pattern: PATTERNS.stepId,
        description: 'Default: the name as a slug. Unique in the job.',
      }),
    ),
    type: StepTypeName,
    config: Type.Optional(
      Type.Object(
        {
          ...Type.Partial(Type.Object(stepFields)).properties,
          ...Type.Partial(Type.Object(seedConfigFields)).properties,
        },
        { description: "The seed's nested form: command, timeout, working_directory, environment …" },
      ),
    ),
    ...Type.Partial(Type.Object(stepFields)).properties,
    retries: Type.Optional(Retries),
    continueOnError: Type.Optional(Type.Boolean({ description: 'A failure does not stop later steps.' })),
    when: Type.Optional(When),
  },
  { title: 'step', allOf: STEP_TYPES.map(stepBranch) },
);
export type DocStep = Static<typeof Step>;

const ItemType = Type.Union([Type.Literal('string'), Type.Literal('integer'), Type.Literal('number')]);
const EnumList = Type.Array(Type.String(), { minItems: 1, uniqueItems: true });
const StringOrList = Type.Union([Type.String(), Type.Array(Type.String())]);

const PARAMETER_KEYS: Readonly<Record<(typeof PARAMETER_TYPES)[number], readonly string[]>> = {
  string: ['pattern', 'minLength', 'maxLength', 'enum', 'multiple', 'default'],
  secret: ['pattern', 'minLength', 'maxLength'],
  integer: ['minimum', 'maximum', 'default'],
  number: ['minimum', 'maximum', 'default'],
  boolean: ['default'],
  enum: ['enum', 'multiple', 'default'],
  array: ['items', 'minItems', 'maxItems', 'default'],
};
const PARAMETER_DEFAULTS: Readonly<Record<string, TSchema>> = {
  string: StringOrList,
  integer: Type.Integer(),
  number: Type.Number(),
  boolean: Type.Boolean(),
  enum: StringOrList,
  array: Type.Array(Type.Union([Type.String(), Type.Number()])),
};

function parameterBranch(type: (typeof PARAMETER_TYPES)[number]) {
  const keys = ['type', 'description', 'required', ...PARAMETER_KEYS[type]];
  const def = PARAMETER_DEFAULTS[type];
  return ifThen(
    { properties: { type: { const: type } }, required: ['type'] },
    {
      title: `${type} parameter`,
      properties: allowOnly(keys, def ? { default: def } : {}),
      additionalProperties: false,
      ...(type === 'enum' ? { required: ['enum'] } : {}),
    },
  );
}

export const Parameter = Type.Object(
  {
    type: Type.Union(
      PARAMETER_TYPES.map((t) => Type.Literal(t)),
      { description: 'A string with an enum list becomes an enum parameter.' },
    ),
    description: Type.Optional(Type.String()),
    default: Type.Optional(Anything),
    required: Type.Optional(
      Type.Boolean({ description: 'A run must give a value when there is no default.' }),
    ),
    pattern: Type.Optional(Text({ description: 'A JavaScript regular expression the value must match.' })),
    minLength: Type.Optional(Count()),
    maxLength: Type.Optional(Count()),
    minimum: Type.Optional(Type.Number()),
    maximum: Type.Optional(Type.Number()),
    enum: Type.Optional(EnumList),
    multiple: Type.Optional(
      Type.Boolean({ description: 'Multi-select: the value is a list of enum members.' }),
    ),
    items: Type.Optional(
      Type.Union([
        ItemType,
        Type.Object({ type: ItemType }, { additionalProperties: false, title: 'items' }),
      ]),
    ),
    minItems: Type.Optional(Count()),
    maxItems: Type.Optional(Count()),
  },
  { title: 'parameter', allOf: PARAMETER_TYPES.map(parameterBranch) },
);
export type DocParameter = Static<typeof Parameter>;

const Percent = (pattern: string) => Type.String({ pattern });

export const JobDocument = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'For editors: where this schema lives.' })),
    name: Type.String({ maxLength: 200, pattern: PATTERNS.notBlank }),
    description: Type.Optional(Type.String()),
    category: Type.Optional(Text({ maxLength: 100 })),
    tags: Type.Optional(Type.Array(Text({ maxLength: 100 }), { uniqueItems: true })),
    parameters: Type.Optional(
      Type.Record(Type.String(), Parameter, {
        title: 'map of parameters',
        propertyNames: { pattern: PATTERNS.parameterName },
      }),
    ),
    targets: Type.Optional(
      Type.Object(
        {
          hosts: Type.Optional(
            Type.Array(Text(), { minItems: 1, description: 'Host names; globs such as web-*.' }),
          ),
          selector: Type.Optional(
            Text({ description: 'A selector expression over tags, labels and groups.' }),
          ),
        },
        { additionalProperties: false, minProperties: 1, maxProperties: 1, title: 'target selection' },
      ),
    ),
    strategy: Type.Optional(
      Type.Object(
        {
          maxParallel: Type.Optional(PositiveInt()),
          batchSize: Type.Optional(Type.Union([PositiveInt(), Percent(PATTERNS.batchPercent)])),
          maxFailures: Type.Optional(Type.Union([Count(), Percent(PATTERNS.failurePercent)])),
          order: Type.Optional(Type.Union([Type.Literal('hostFirst'), Type.Literal('stepFirst')])),
          allowConcurrentOnHost: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false, title: 'strategy' },
      ),
    ),
    steps: Type.Array(Step, { minItems: 1 }),
  },
  { additionalProperties: false, title: 'job definition' },
);
export type JobDocument = Static<typeof JobDocument>;

/** The published JSON Schema text, exactly as committed in `docs/job-schema.json`. */
export function jobSchemaJson(): string {
  return `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...JobDocument }, null, 2)}\n`;
}
