/**
 * Reading a step as written, shared by the checks and the normaliser: its type through the
 * aliases, its id, and each field from either the flat form or the seed's nested `config`.
 */
import { SEED_CONFIG_FIELDS, STEP_FIELDS } from './definition-schema.ts';
import { STEP_TYPE_ALIASES, STEP_TYPES, type StepType } from './types.ts';

export type Raw = Readonly<Record<string, unknown>>;

export const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export function stepType(name: unknown): StepType | undefined {
  if (typeof name !== 'string') return undefined;
  return STEP_TYPES.find((t) => t === name) ?? STEP_TYPE_ALIASES[name];
}

/** The default id: the name in lower case, with runs of anything but letters and digits as `-`. */
export function slugify(name: string, index: number): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || `step-${index + 1}`;
}

export function stepId(step: Raw, index: number): string | undefined {
  if (typeof step.id === 'string') return step.id;
  return typeof step.name === 'string' ? slugify(step.name, index) : undefined;
}

export interface FieldValue {
  readonly value: unknown;
  /** Where it was written, `steps[0].config.working_directory`. */
  readonly path: string;
}

export interface StepFields {
  readonly values: ReadonlyMap<string, FieldValue>;
  /** A field written twice (flat and in config): the second place and the first. */
  readonly duplicates: readonly { readonly path: string; readonly first: string }[];
}

/** The fields of a step of this type (plus `timeout`), wherever each was written. */
export function stepFields(step: Raw, type: StepType, base: string): StepFields {
  const config = isRecord(step.config) ? step.config : {};
  const seed = SEED_CONFIG_FIELDS[type];
  const values = new Map<string, FieldValue>();
  const duplicates: { path: string; first: string }[] = [];
  for (const field of ['timeout', ...STEP_FIELDS[type]]) {
    const places: FieldValue[] = [];
    if (step[field] !== undefined) places.push({ value: step[field], path: `${base}.${field}` });
    if (config[field] !== undefined) places.push({ value: config[field], path: `${base}.config.${field}` });
    for (const [seedName, target] of Object.entries(seed)) {
      if (target === field && config[seedName] !== undefined) {
        places.push({ value: config[seedName], path: `${base}.config.${seedName}` });
      }
    }
    const [first, ...rest] = places;
    if (first) values.set(field, first);
    for (const other of rest) duplicates.push({ path: other.path, first: first?.path ?? '' });
  }
  return { values, duplicates };
}

/** The fields a step of each type cannot do without. */
export const REQUIRED_FIELDS: Readonly<Record<StepType, readonly string[]>> = {
  exec: ['command'],
  script: ['script'],
  upload: ['source', 'destination'],
  download: ['source'],
  sync: ['source', 'destination'],
  local: ['command'],
};

/** Fields whose text is rendered with `${{ … }}` substitution. */
export const TEMPLATED_FIELDS = new Set([
  'command',
  'script',
  'interpreter',
  'source',
  'destination',
  'artifact',
  'cwd',
  'env',
]);
