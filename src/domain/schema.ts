/** One JSON Schema compiler (ajv) for configuration, job definitions and anything not on a route. */
import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type Options } from 'ajv';
import type { FormatsPlugin } from 'ajv-formats';
import * as formats from 'ajv-formats';

export interface SchemaError {
  /** Dotted path of the offending field, e.g. `steps[2].timeout` or `ORCA_PORT`. */
  readonly path: string;
  readonly message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: SchemaError[] };

// ajv-formats is CommonJS with a default export; under NodeNext it arrives as a namespace.
const addFormats = ((formats as unknown as { default?: FormatsPlugin }).default ??
  formats) as unknown as FormatsPlugin;

export function compileSchema<S extends TSchema>(
  schema: S,
  options: Options = {},
): (input: unknown) => Validation<Static<S>> {
  const ajv = new Ajv({ allErrors: true, strict: false, ...options });
  addFormats(ajv);
  const check = ajv.compile(schema);
  return (input) => {
    const copy = options.useDefaults || options.coerceTypes ? structuredClone(input) : input;
    if (check(copy)) return { ok: true, value: copy as Static<S> };
    return { ok: false, errors: (check.errors ?? []).map(describeError) };
  };
}

/** Turns ajv's JSON pointer into `a.b[2].c` and names the missing property for `required`. */
export function describeError(error: ErrorObject): SchemaError {
  let path = pointerToPath(error.instancePath);
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    path = path ? `${path}.${missing}` : missing;
    return { path, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    path = path ? `${path}.${extra}` : extra;
    return { path, message: 'is not an allowed property' };
  }
  return { path: path || '(root)', message: error.message ?? 'is invalid' };
}

export function pointerToPath(pointer: string): string {
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  }
  return out;
}
