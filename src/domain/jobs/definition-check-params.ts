/**
 * Parameter rules beyond the schema: bounds in order, a pattern that compiles, `multiple` only
 * with an enum list, and a default that the parameter's own rules accept.
 */
import type { ErrorDetail } from '../errors.ts';
import type { Raw } from './definition-fields.ts';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export function checkParameter(spec: Raw, path: string): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  for (const [low, high] of [
    ['minimum', 'maximum'],
    ['minLength', 'maxLength'],
    ['minItems', 'maxItems'],
  ] as const) {
    const a = num(spec[low]);
    const b = num(spec[high]);
    if (a !== undefined && b !== undefined && b < a) {
      errors.push({ path: `${path}.${high}`, message: `must not be less than ${low} (${a})` });
    }
  }
  let pattern: RegExp | undefined;
  if (typeof spec.pattern === 'string') {
    try {
      // As params.ts checks values: the whole value, with the u flag.
      pattern = new RegExp(`^(?:${spec.pattern})$`, 'u');
    } catch (e) {
      errors.push({
        path: `${path}.pattern`,
        message: `is not a valid regular expression: ${(e as Error).message}`,
      });
    }
  }
  const values = Array.isArray(spec.enum) ? spec.enum.filter((v) => typeof v === 'string') : undefined;
  if (spec.multiple !== undefined && spec.type === 'string' && values === undefined) {
    errors.push({ path: `${path}.multiple`, message: 'applies only to a parameter with an enum list' });
  }
  if (spec.default !== undefined) {
    const problem = defaultProblem(spec, spec.default, pattern, values);
    if (problem) errors.push({ path: `${path}.default`, message: problem });
  }
  return errors;
}

function defaultProblem(
  spec: Raw,
  value: unknown,
  pattern: RegExp | undefined,
  values?: string[],
): string | null {
  if (values !== undefined && (spec.type === 'enum' || spec.type === 'string')) {
    return enumDefault(value, values, spec.multiple === true);
  }
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      return stringProblem(spec, value, pattern);
    case 'integer':
    case 'number':
      return typeof value === 'number' ? rangeProblem(spec, value) : null;
    case 'array':
      return Array.isArray(value) ? arrayProblem(spec, value) : null;
    default:
      return null;
  }
}

function enumDefault(value: unknown, values: string[], multiple: boolean): string | null {
  if (multiple) {
    if (!Array.isArray(value)) return 'must be a list of enum values (the parameter is multiple)';
    const bad = value.find((v) => typeof v !== 'string' || !values.includes(v));
    if (bad !== undefined) return `contains ${JSON.stringify(bad)}, which is not one of ${values.join(', ')}`;
    if (new Set(value).size !== value.length) return 'must not repeat a value';
    return null;
  }
  if (typeof value !== 'string') return 'must be one of the enum values (a list needs multiple: true)';
  return values.includes(value) ? null : `must be one of ${values.join(', ')} (got ${JSON.stringify(value)})`;
}

function stringProblem(spec: Raw, value: string, pattern: RegExp | undefined): string | null {
  const min = num(spec.minLength);
  const max = num(spec.maxLength);
  if (min !== undefined && value.length < min) return `is shorter than minLength (${min})`;
  if (max !== undefined && value.length > max) return `is longer than maxLength (${max})`;
  if (pattern && !pattern.test(value))
    return `does not match the pattern ${String(spec.pattern)} (the whole value)`;
  return null;
}

function rangeProblem(spec: Raw, value: number): string | null {
  const min = num(spec.minimum);
  const max = num(spec.maximum);
  if (min !== undefined && value < min) return `is less than the minimum (${min})`;
  if (max !== undefined && value > max) return `is more than the maximum (${max})`;
  return null;
}

function itemType(spec: Raw): unknown {
  return typeof spec.items === 'object' && spec.items !== null
    ? (spec.items as Raw).type
    : (spec.items ?? 'string');
}

function arrayProblem(spec: Raw, value: unknown[]): string | null {
  const type = itemType(spec);
  const fits = (v: unknown) =>
    type === 'string'
      ? typeof v === 'string'
      : type === 'integer'
        ? Number.isInteger(v)
        : typeof v === 'number';
  const bad = value.findIndex((v) => !fits(v));
  if (bad !== -1) return `item ${bad} must be ${type === 'integer' ? 'an integer' : `a ${String(type)}`}`;
  const min = num(spec.minItems);
  const max = num(spec.maxItems);
  if (min !== undefined && value.length < min) return `has fewer items than minItems (${min})`;
  if (max !== undefined && value.length > max) return `has more items than maxItems (${max})`;
  return null;
}
