/**
 * The launch form's values: what each parameter's field starts with, and the checks the server
 * makes (src/domain/jobs/params.ts) run early so mistakes show at the field before a request.
 * The server stays the judge: its 400 details land on the same fields. Pure.
 */
import type { ParameterSpec } from '../api/job-types.ts';

/** A field's value as the inputs hold it: text, a number or '', a switch, a choice or a list. */
export type FieldValue = string | number | boolean | null | string[];
export type FormValues = Record<string, FieldValue>;

/** What the form starts with: the defaults, and empty fields where there are none. */
export function initialValues(specs: readonly ParameterSpec[]): FormValues {
  const values: FormValues = {};
  for (const spec of specs) values[spec.name] = initialValue(spec);
  return values;
}

function initialValue(spec: ParameterSpec): FieldValue {
  switch (spec.type) {
    case 'string':
    case 'secret':
      return spec.default ?? '';
    case 'integer':
    case 'number':
      return spec.default ?? '';
    case 'boolean':
      return spec.default ?? false;
    case 'enum':
      if (spec.multiple) return Array.isArray(spec.default) ? [...spec.default] : [];
      return typeof spec.default === 'string' ? spec.default : null;
    case 'array':
      return (spec.default ?? []).map(String);
  }
}

export interface LaunchValues {
  /** Values to send, by name; empty optional fields are left out so the server applies defaults. */
  readonly values: Record<string, unknown>;
  /** Problems by parameter name, worded as the server words them. */
  readonly errors: Record<string, string>;
}

/** Converts the form to the request's `parameters` and checks each value. */
export function launchValues(specs: readonly ParameterSpec[], form: FormValues): LaunchValues {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const spec of specs) {
    const result = convert(spec, form[spec.name]);
    if ('error' in result) errors[spec.name] = result.error;
    else if (result.value !== undefined) values[spec.name] = result.value;
  }
  return { values, errors };
}

type Converted = { readonly value: unknown } | { readonly error: string };

function isEmpty(value: FieldValue | undefined): boolean {
  return (
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

function convert(spec: ParameterSpec, raw: FieldValue | undefined): Converted {
  // An empty field is "not given": the server applies the default, or says it is required.
  if (spec.type !== 'boolean' && isEmpty(raw)) {
    const hasDefault = spec.default !== undefined;
    if (spec.required && !hasDefault) return { error: 'is required' };
    // A list emptied on purpose is a value (an empty list), unless a minimum says otherwise.
    if (Array.isArray(raw) && hasDefault) return checked(spec, []);
    return { value: undefined };
  }
  return checked(spec, raw ?? null);
}

function checked(spec: ParameterSpec, raw: FieldValue): Converted {
  switch (spec.type) {
    case 'string':
    case 'secret': {
      const text = String(raw);
      const length = [...text].length;
      if (spec.minLength !== undefined && length < spec.minLength)
        return { error: `must be at least ${chars(spec.minLength)} long` };
      if (spec.maxLength !== undefined && length > spec.maxLength)
        return { error: `must be at most ${chars(spec.maxLength)} long` };
      if (spec.pattern !== undefined && !fullMatch(spec.pattern, text))
        return { error: `must match the pattern ${spec.pattern} (the whole value)` };
      return { value: text };
    }
    case 'integer':
    case 'number': {
      const n = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isFinite(n))
        return { error: `must be ${spec.type === 'integer' ? 'an integer' : 'a number'}` };
      if (spec.type === 'integer' && !Number.isInteger(n))
        return { error: `must be a whole number, not ${n}` };
      if (spec.minimum !== undefined && n < spec.minimum)
        return { error: `must be at least ${spec.minimum}` };
      if (spec.maximum !== undefined && n > spec.maximum) return { error: `must be at most ${spec.maximum}` };
      return { value: n };
    }
    case 'boolean':
      return { value: raw === true };
    case 'enum': {
      if (!spec.multiple) {
        return typeof raw === 'string' && spec.values.includes(raw)
          ? { value: raw }
          : { error: `must be one of: ${spec.values.join(', ')}` };
      }
      const list = Array.isArray(raw) ? raw : [];
      const wrong = list.find((v) => !spec.values.includes(v));
      if (wrong !== undefined) return { error: `${wrong} is not one of: ${spec.values.join(', ')}` };
      return { value: list };
    }
    case 'array': {
      const list = Array.isArray(raw) ? raw : [];
      if (spec.minItems !== undefined && list.length < spec.minItems)
        return { error: `must have at least ${items(spec.minItems)}` };
      if (spec.maxItems !== undefined && list.length > spec.maxItems)
        return { error: `must have at most ${items(spec.maxItems)}` };
      if (spec.items === 'string') return { value: list };
      const numbers = list.map(Number);
      const bad = list.findIndex((text, i) => {
        const n = numbers[i] ?? Number.NaN;
        return (
          text.trim() === '' || !Number.isFinite(n) || (spec.items === 'integer' && !Number.isInteger(n))
        );
      });
      if (bad >= 0)
        return {
          error: `item ${bad + 1} (${list[bad]}) must be ${spec.items === 'integer' ? 'an integer' : 'a number'}`,
        };
      return { value: numbers };
    }
  }
}

const chars = (n: number) => `${n} character${n === 1 ? '' : 's'}`;
const items = (n: number) => `${n} item${n === 1 ? '' : 's'}`;

/** Anchored at both ends, as the server applies a parameter pattern; an invalid pattern is left to it. */
function fullMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(text);
  } catch {
    return true;
  }
}

/** A short text of a parameter's rules for the field's description: "3–20 characters", "1 to 32". */
export function constraintText(spec: ParameterSpec): string | null {
  const range = (lo: number | undefined, hi: number | undefined, unit: string) =>
    lo !== undefined && hi !== undefined
      ? `${lo} to ${hi}${unit}`
      : lo !== undefined
        ? `at least ${lo}${unit}`
        : hi !== undefined
          ? `at most ${hi}${unit}`
          : null;
  switch (spec.type) {
    case 'string':
    case 'secret': {
      const parts = [
        range(spec.minLength, spec.maxLength, ' characters'),
        spec.pattern && `pattern ${spec.pattern}`,
      ];
      return parts.filter(Boolean).join(' · ') || null;
    }
    case 'integer':
    case 'number':
      return range(spec.minimum, spec.maximum, '');
    case 'array': {
      const parts = [`${spec.items} values`, range(spec.minItems, spec.maxItems, ' items')];
      return parts.filter(Boolean).join(' · ');
    }
    default:
      return null;
  }
}

/** A value from RunDetail.parameters as text: lists joined, secrets already `***`. */
export function formatParamValue(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(', ');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
