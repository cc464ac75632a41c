/**
 * A valid job document (schema and checks passed) into the normalised JobDefinition: parameters
 * as a list in document order, aliases resolved, `config` merged, defaults filled in.
 */
import { isRecord, type Raw, stepFields, stepId, stepType } from './definition-fields.ts';
import type { DocParameter, DocStep, JobDocument } from './definition-schema.ts';
import type {
  CommandVariants,
  JobDefinition,
  ParameterSpec,
  RetryPolicy,
  StepCondition,
  StepOutcome,
  StepSpec,
  Strategy,
  TargetSelector,
} from './types.ts';

/** Seconds before the first retry when a policy gives no backoff. */
export const DEFAULT_BACKOFF_SECONDS = 5;

export function normaliseDocument(doc: JobDocument): JobDefinition {
  return {
    name: doc.name.trim(),
    description: doc.description,
    category: doc.category,
    tags: doc.tags ?? [],
    parameters: Object.entries(doc.parameters ?? {}).map(([name, p]) => parameter(name, p)),
    targets: targets(doc.targets),
    strategy: strategy(doc.strategy),
    steps: doc.steps.map(step),
  };
}

function parameter(name: string, p: DocParameter): ParameterSpec {
  const base = { name, description: p.description, required: p.required ?? false };
  const d = p.default;
  switch (p.type) {
    case 'string':
    case 'enum':
      if (p.enum !== undefined) {
        const def = typeof d === 'string' || Array.isArray(d) ? (d as string | string[]) : undefined;
        return { ...base, type: 'enum', values: p.enum, multiple: p.multiple ?? false, default: def };
      }
      return { ...base, type: 'string', default: d as string | undefined, ...lengths(p) };
    case 'secret':
      return { ...base, type: 'secret', ...lengths(p) };
    case 'integer':
    case 'number':
      return {
        ...base,
        type: p.type,
        default: d as number | undefined,
        minimum: p.minimum,
        maximum: p.maximum,
      };
    case 'boolean':
      return { ...base, type: 'boolean', default: d as boolean | undefined };
    case 'array': {
      const items = typeof p.items === 'object' ? p.items.type : (p.items ?? 'string');
      return {
        ...base,
        type: 'array',
        items,
        minItems: p.minItems,
        maxItems: p.maxItems,
        default: d as string[] | number[] | undefined,
      };
    }
  }
}

const lengths = (p: DocParameter) => ({ pattern: p.pattern, minLength: p.minLength, maxLength: p.maxLength });

function targets(t: JobDocument['targets']): TargetSelector | undefined {
  if (!t) return undefined;
  return t.hosts ? { hosts: t.hosts } : { selector: t.selector };
}

function strategy(s: JobDocument['strategy']): Strategy {
  return {
    maxParallel: s?.maxParallel,
    batchSize: s?.batchSize as Strategy['batchSize'],
    maxFailures: s?.maxFailures as Strategy['maxFailures'],
    order: s?.order ?? 'hostFirst',
    allowConcurrentOnHost: s?.allowConcurrentOnHost ?? false,
  };
}

function step(s: DocStep, index: number): StepSpec {
  const type = stepType(s.type);
  if (!type) throw new Error(`step type ${s.type} passed validation`);
  const raw = s as Raw;
  const f = stepFields(raw, type, '');
  const get = (field: string): unknown => f.values.get(field)?.value;
  const text = (field: string): string => String(get(field));
  const base = {
    id: stepId(raw, index) ?? '',
    name: s.name,
    timeoutSeconds: get('timeout') as number | undefined,
    retry: retry(s.retries),
    continueOnError: s.continueOnError ?? false,
    env: env(get('env')),
    cwd: get('cwd') as string | undefined,
    when: when(s.when),
  };
  switch (type) {
    case 'exec':
      return { ...base, type, command: variants(get('command')), ...become(get('become')) };
    case 'script':
      return {
        ...base,
        type,
        script: variants(get('script')),
        interpreter: get('interpreter') as string | undefined,
        ...become(get('become')),
      };
    case 'upload':
    case 'sync':
      return { ...base, type, source: text('source'), destination: text('destination') };
    case 'download': {
      const source = text('source');
      const artifact = get('artifact') ?? source.split(/[\\/]/).filter(Boolean).pop() ?? 'download';
      return { ...base, type, source, artifact: String(artifact) };
    }
    case 'local':
      return { ...base, type, command: text('command') };
  }
}

/** `become: true` is root; a name is that user; false or absent: none. */
function become(v: unknown): { become?: string } {
  if (v === true) return { become: 'root' };
  return typeof v === 'string' ? { become: v } : {};
}

function variants(v: unknown): CommandVariants {
  if (typeof v === 'string') return { default: v };
  const r = isRecord(v) ? v : {};
  const pick = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  return { default: pick('default'), linux: pick('linux'), windows: pick('windows') };
}

function env(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(isRecord(v) ? v : {}).map(([k, x]) => [k, String(x)]));
}

function retry(r: DocStep['retries']): RetryPolicy {
  if (r === undefined) return { attempts: 0, backoffSeconds: DEFAULT_BACKOFF_SECONDS, on: 'connection' };
  if (typeof r === 'number')
    return { attempts: r, backoffSeconds: DEFAULT_BACKOFF_SECONDS, on: 'connection' };
  return {
    attempts: r.attempts,
    backoffSeconds: r.backoff ?? DEFAULT_BACKOFF_SECONDS,
    on: r.on ?? 'connection',
  };
}

function when(w: DocStep['when']): StepCondition {
  if (w === undefined) return { kind: 'success' };
  if (typeof w === 'string') return { kind: w };
  const outcomes: StepOutcome[] = Array.isArray(w.is) ? w.is : [w.is];
  return { kind: 'step', step: w.step, outcomes };
}
