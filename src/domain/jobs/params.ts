/**
 * Validates a run's parameter values against the job's parameter specs before the run starts:
 * every problem at once, each naming its parameter and what is allowed. Pure.
 */
import { ErrorCode, type ErrorDetail, OrcaError } from '../errors.ts';
import type { ParameterSpec, ParamValue } from './types.ts';

/** The values a run uses (defaults applied) and the secret ones among them, for output masking. */
export interface ResolvedParameters {
  readonly values: Record<string, ParamValue>;
  readonly secrets: string[];
}

/** A value, or the problem with it (a message after the parameter's path). */
type Checked =
  | { readonly ok: true; readonly value: ParamValue }
  | { readonly ok: false; readonly message: string };

const ok = (value: ParamValue): Checked => ({ ok: true, value });
const bad = (message: string): Checked => ({ ok: false, message });

/**
 * Checks `input` (the run's `{ name: value }` object; undefined means none given) against `specs`.
 * Types are strict: `"3"` is not an integer and `"true"` not a boolean. Throws OrcaError
 * (validation) with one detail per problem, at `parameters.<name>`; messages never repeat a
 * secret's value.
 */
export function resolveParameterValues(specs: readonly ParameterSpec[], input: unknown): ResolvedParameters {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    const message = `must be an object of parameter values, not ${describe(input, false)}`;
    throw new OrcaError(ErrorCode.validation, `parameters: ${message}`, [{ path: 'parameters', message }]);
  }
  const given = (input ?? {}) as Record<string, unknown>;
  const problems: ErrorDetail[] = [];
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(given)) {
    if (known.has(name)) continue;
    const list = specs.length === 0 ? 'this job has no parameters' : `known: ${[...known].join(', ')}`;
    problems.push({ path: `parameters.${name}`, message: `is not a parameter of this job (${list})` });
  }
  const entries: [string, ParamValue][] = [];
  const secrets: string[] = [];
  for (const spec of specs) {
    const supplied = Object.hasOwn(given, spec.name) && given[spec.name] !== undefined;
    const raw = supplied ? given[spec.name] : spec.default;
    if (raw === undefined) {
      if (spec.required) problems.push({ path: `parameters.${spec.name}`, message: 'is required' });
      continue;
    }
    const checked = checkValue(spec, raw);
    if (!checked.ok) {
      const message = supplied ? checked.message : `${checked.message} (this is the job's default)`;
      problems.push({ path: `parameters.${spec.name}`, message });
      continue;
    }
    entries.push([spec.name, checked.value]);
    if (spec.type === 'secret' && typeof checked.value === 'string' && checked.value !== '') {
      secrets.push(checked.value);
    }
  }
  if (problems.length > 0) throw validationError(problems);
  // fromEntries defines own properties, so even a parameter called __proto__ stays a plain value.
  return { values: Object.fromEntries(entries), secrets };
}

function validationError(problems: readonly ErrorDetail[]): OrcaError {
  const listed = problems.map((p) => `${p.path}: ${p.message}`);
  const message =
    problems.length === 1
      ? listed[0]!
      : `${problems.length} parameter values are not valid: ${listed.join('; ')}`;
  return new OrcaError(ErrorCode.validation, message, problems);
}

function checkValue(spec: ParameterSpec, value: unknown): Checked {
  switch (spec.type) {
    case 'string':
    case 'secret':
      return checkString(spec, value);
    case 'integer':
    case 'number':
      return checkNumber(spec, value);
    case 'boolean':
      return typeof value === 'boolean'
        ? ok(value)
        : bad(`must be true or false, not ${describe(value, false)}${notConverted(value)}`);
    case 'enum':
      return spec.multiple ? checkEnumList(spec.values, value) : checkEnumMember(spec.values, value);
    case 'array':
      return checkArray(spec, value);
  }
}

type StringSpec = Extract<ParameterSpec, { type: 'string' | 'secret' }>;

function checkString(spec: StringSpec, value: unknown): Checked {
  const secret = spec.type === 'secret';
  if (typeof value !== 'string') return bad(`must be a string, not ${describe(value, secret)}`);
  if (value.includes('\0')) return bad(NUL_MESSAGE);
  const length = [...value].length;
  if (spec.minLength !== undefined && length < spec.minLength) {
    return bad(`must be at least ${characters(spec.minLength)} long`);
  }
  if (spec.maxLength !== undefined && length > spec.maxLength) {
    return bad(`must be at most ${characters(spec.maxLength)} long`);
  }
  if (spec.pattern !== undefined) {
    const pattern = fullMatch(spec.pattern);
    if (pattern === undefined)
      return bad(`cannot be checked: the job's pattern ${spec.pattern} is not valid`);
    if (!pattern.test(value)) return bad(`must match the pattern ${spec.pattern} (the whole value)`);
  }
  return ok(value);
}

type NumberSpec = Extract<ParameterSpec, { type: 'integer' | 'number' }>;

function checkNumber(spec: NumberSpec, value: unknown): Checked {
  const problem = numberProblem(spec.type, value);
  if (problem !== undefined) return bad(problem);
  const n = value as number;
  if (spec.minimum !== undefined && n < spec.minimum) return bad(`must be at least ${spec.minimum}`);
  if (spec.maximum !== undefined && n > spec.maximum) return bad(`must be at most ${spec.maximum}`);
  return ok(n);
}

/** Why `value` is not an integer (safe) or a number (finite), or undefined when it is. */
function numberProblem(type: 'integer' | 'number', value: unknown): string | undefined {
  const what = type === 'integer' ? 'an integer' : 'a number';
  if (typeof value !== 'number')
    return `must be ${what}, not ${describe(value, false)}${notConverted(value)}`;
  if (!Number.isFinite(value)) return `must be ${what}, not ${value}`;
  if (type === 'integer' && !Number.isInteger(value)) return `must be a whole number, not ${value}`;
  if (type === 'integer' && !Number.isSafeInteger(value)) {
    return `must be between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER} (larger integers lose precision)`;
  }
  return undefined;
}

function checkEnumMember(members: readonly string[], value: unknown): Checked {
  if (typeof value === 'string' && members.includes(value)) return ok(value);
  return bad(
    `must be one of: ${members.join(', ')}${Array.isArray(value) ? ' (one value, not a list)' : ''}`,
  );
}

function checkEnumList(members: readonly string[], value: unknown): Checked {
  if (!Array.isArray(value)) {
    return bad(`must be a list of values from: ${members.join(', ')} (not ${describe(value, false)})`);
  }
  const seen = new Set<string>();
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'string' || !members.includes(item)) {
      return bad(`item ${i + 1} (${describe(item, false)}) must be one of: ${members.join(', ')}`);
    }
    if (seen.has(item)) return bad(`must list each value once: ${JSON.stringify(item)} is repeated`);
    seen.add(item);
  }
  return ok(value as string[]);
}

type ArraySpec = Extract<ParameterSpec, { type: 'array' }>;

function checkArray(spec: ArraySpec, value: unknown): Checked {
  if (!Array.isArray(value))
    return bad(`must be a list of ${spec.items} values, not ${describe(value, false)}`);
  if (spec.minItems !== undefined && value.length < spec.minItems)
    return bad(`must have at least ${items(spec.minItems)}`);
  if (spec.maxItems !== undefined && value.length > spec.maxItems)
    return bad(`must have at most ${items(spec.maxItems)}`);
  for (const [i, item] of value.entries()) {
    const problem =
      spec.items === 'string'
        ? typeof item !== 'string'
          ? `must be a string, not ${describe(item, false)}`
          : item.includes('\0')
            ? NUL_MESSAGE
            : undefined
        : numberProblem(spec.items, item);
    if (problem !== undefined) return bad(`item ${i + 1} ${problem}`);
  }
  return ok(value as string[] | number[]);
}

const NUL_MESSAGE = 'must not contain a NUL character (it would cut the command short)';

/** The pattern anchored at both ends, as JSON Schema users expect of a parameter pattern. */
function fullMatch(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return undefined;
  }
}

/** What a wrong value is, for a message: `the string "3"`, `a list`; a secret's text is never shown. */
function describe(value: unknown, secret: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return secret
        ? 'a string'
        : `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
    case 'boolean':
      return secret ? `a ${typeof value}` : `the ${typeof value} ${value}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

/** For `"3"` where 3 was meant: values are taken as typed, so say how to send the right one. */
function notConverted(value: unknown): string {
  return typeof value === 'string' ? ' (values are not converted: send it without quotes)' : '';
}

const characters = (n: number) => (n === 1 ? '1 character' : `${n} characters`);
const items = (n: number) => (n === 1 ? '1 item' : `${n} items`);
