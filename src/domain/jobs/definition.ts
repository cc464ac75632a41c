/**
 * Job definitions in: a YAML/JSON document, or an already-parsed value (an API body), validated
 * against the published schema and the cross-field rules, normalised into a JobDefinition.
 * Every problem is reported at once in `OrcaError.details`, in document order.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { ErrorCode, type ErrorDetail, OrcaError } from '../errors.ts';
import { checkDocument } from './definition-check.ts';
import { describeAjvErrors } from './definition-messages.ts';
import { normaliseDocument } from './definition-normalise.ts';
import { JobDocument } from './definition-schema.ts';
import { type DocumentFormat, parseText } from './definition-text.ts';
import type { JobDefinition } from './types.ts';

export { canonicalDefinition } from './definition-canonical.ts';
export { type Reference, STEP_OUTPUTS, type StepOutput, scanReferences } from './definition-refs.ts';
export { JobDocument, jobSchemaJson } from './definition-schema.ts';
export type { DocumentFormat } from './definition-text.ts';

/** Something allowed but worth a second look, such as a `${{ raw … }}` expression. */
export interface Warning {
  readonly path: string;
  readonly message: string;
}

export interface ParsedDefinition {
  readonly definition: JobDefinition;
  readonly warnings: Warning[];
}

/** Parses and validates a job document; YAML unless told it is JSON (YAML reads JSON too). */
export function parseJobDocument(text: string, format?: DocumentFormat): ParsedDefinition {
  const parsed = parseText(text, format);
  if (!parsed.ok) throw failure(parsed.errors);
  return validateJobDefinition(parsed.value);
}

/** Validates an already-parsed document. Throws an OrcaError (validation) listing every problem. */
export function validateJobDefinition(value: unknown): ParsedDefinition {
  if (value === null || value === undefined) {
    throw failure([
      { path: '(root)', message: 'the document is empty; a job needs at least a name and steps' },
    ]);
  }
  const check = validator();
  const schemaErrors = check(value) ? [] : describeAjvErrors(check.errors ?? []);
  const findings = checkDocument(value);
  const errors = inDocumentOrder([...schemaErrors, ...findings.errors], value);
  if (errors.length > 0) throw failure(errors);
  return {
    definition: normaliseDocument(value as JobDocument),
    warnings: inDocumentOrder(findings.warnings, value),
  };
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  // verbose: the messages need each failing schema and value; the schema has no formats.
  compiled ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(JobDocument);
  return compiled;
}

function failure(errors: readonly ErrorDetail[]): OrcaError {
  const shown = errors.slice(0, 3).map((e) => `${e.path}: ${e.message}`);
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
  return new OrcaError(ErrorCode.validation, `invalid job definition: ${shown.join('; ')}${more}`, errors);
}

/** Sorts problems by where their path first appears in the document; a missing field sits at its parent. */
function inDocumentOrder<T extends ErrorDetail>(details: readonly T[], doc: unknown): T[] {
  const order = new Map<string, number>();
  const walk = (v: unknown, path: string) => {
    order.set(path, order.size);
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, `${path}[${i}]`);
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    }
  };
  walk(doc, '');
  const rank = (path: string): number => {
    for (let p = path; p; p = p.replace(/(\.[^.[\]]+|\[\d+\]|^[^.[\]]+)$/, '')) {
      const at = order.get(p);
      if (at !== undefined) return at;
    }
    return 0;
  };
  return details
    .map((d, i) => ({ d, i, r: rank(d.path) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.d);
}
