/**
 * ajv's errors for a job document turned into one readable sentence per real problem: a union
 * reports the branch the value was meant for (or one "must be X or Y"), `if`/`then` bookkeeping
 * is dropped, unknown properties suggest the nearest allowed name.
 */
import type { ErrorObject } from 'ajv';
import type { ErrorDetail } from '../errors.ts';
import { pointerToPath } from '../schema.ts';
import { PATTERN_MESSAGES, PATTERNS, Parameter, Step } from './definition-schema.ts';

type Schema = Readonly<Record<string, unknown>>;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every property name any step, step config or parameter knows, to tell "wrong type" from "typo". */
const KNOWN_KEYS = new Set([
  ...Object.keys(Step.properties),
  ...Object.keys(Step.properties.config.properties),
  ...Object.keys(Parameter.properties),
]);

/** Properties left out of a branch on purpose, with the reason. */
const NOT_ALLOWED: Readonly<Record<string, string>> = {
  'secret parameter/default':
    'a secret parameter cannot have a default: it would be stored in plain text with the job',
};

export function describeAjvErrors(errors: readonly ErrorObject[]): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const error of resolveUnions(errors)) {
    const detail = describe(error);
    const key = detail && `${detail.path}\n${detail.message}`;
    if (detail && key && !seen.has(key)) {
      seen.add(key);
      out.push(detail);
    }
  }
  return out;
}

/**
 * For each failed `anyOf`, outermost first: when the value's JSON type fits exactly one branch,
 * keep that branch's errors (the user meant it) and drop the rest; otherwise keep only the anyOf.
 */
function resolveUnions(errors: readonly ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const unions = errors
    .filter((e) => e.keyword === 'anyOf')
    .sort((a, b) => a.schemaPath.length - b.schemaPath.length);
  for (const union of unions) {
    if (dropped.has(union)) continue;
    const prefix = `${union.schemaPath}/`;
    const inside = errors.filter(
      (e) =>
        e !== union &&
        e.schemaPath.startsWith(prefix) &&
        (e.instancePath === union.instancePath || e.instancePath.startsWith(`${union.instancePath}/`)),
    );
    const branches = Array.isArray(union.schema) ? union.schema : [];
    const fitting = branches.flatMap((b, i) => (isSchema(b) && fitsType(b, union.data) ? [i] : []));
    const keep = fitting.length === 1 ? fitting[0] : undefined;
    if (keep !== undefined) dropped.add(union);
    for (const e of inside) {
      if (keep === undefined || !e.schemaPath.startsWith(`${prefix}${keep}/`)) dropped.add(e);
    }
  }
  return errors.filter((e) => !dropped.has(e));
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function fitsType(schema: Schema, value: unknown): boolean {
  const type = schema.type;
  const actual = jsonType(value);
  if (type === undefined) return true;
  if (type === 'integer') return actual === 'number';
  return type === actual;
}

function describe(e: ErrorObject): ErrorDetail | null {
  if (e.propertyName !== undefined || e.keyword === 'if') return null;
  const at = pointerToPath(e.instancePath);
  const parent = isSchema(e.parentSchema) ? e.parentSchema : {};
  const params = e.params as Record<string, unknown>;
  const title = typeof parent.title === 'string' ? parent.title : undefined;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return {
        path: join(at, missing),
        // Only a per-type branch says whose rule it is ("is required for an enum parameter").
        message:
          title && / (step|parameter)$/.test(title) ? `is required for ${article(title)}` : 'is required',
      };
    }
    case 'additionalProperties':
      return unknownProperty(at, String(params.additionalProperty), parent, title);
    case 'propertyNames': {
      const names = isSchema(parent.propertyNames) ? parent.propertyNames : {};
      const rule = PATTERN_MESSAGES[String(names.pattern)] ?? 'is not allowed';
      return { path: join(at, String(params.propertyName)), message: `is not a valid name: it ${rule}` };
    }
    case 'type':
      if (!at)
        return { path: '(root)', message: `must be a mapping of job fields (name, steps …)${got(e.data)}` };
      return { path: at, message: `must be ${kind(parent, false)}${got(e.data)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
      return { path: rooted(at), message: `must be ${kind(parent, true)}${got(e.data)}` };
    case 'minLength':
      return {
        path: rooted(at),
        message:
          params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters long`,
      };
    case 'maxLength':
      return { path: rooted(at), message: `must be at most ${params.limit} characters long` };
    case 'pattern':
      return {
        path: rooted(at),
        message: `${PATTERN_MESSAGES[String(params.pattern)] ?? `must match the pattern ${params.pattern}`}${got(e.data)}`,
      };
    case 'minItems':
      return {
        path: rooted(at),
        message:
          params.limit === 1 ? 'must not be an empty list' : `must have at least ${params.limit} items`,
      };
    case 'maxItems':
      return { path: rooted(at), message: `must have at most ${params.limit} items` };
    case 'uniqueItems': {
      const [first, second] = [Number(params.j), Number(params.i)].sort((a, b) => a - b);
      return { path: `${rooted(at)}[${second}]`, message: `repeats item ${first}; each must appear once` };
    }
    case 'minProperties':
    case 'maxProperties':
      return { path: rooted(at), message: propertyCount(e.keyword, title) };
    case 'const':
    case 'enum': {
      const allowed = e.keyword === 'const' ? [params.allowedValue] : (params.allowedValues as unknown[]);
      return { path: rooted(at), message: oneOf(allowed, e.data) };
    }
    case 'anyOf':
      return { path: rooted(at), message: unionMessage(e) };
    default:
      return { path: rooted(at), message: e.message ?? 'is invalid' };
  }
}

function unknownProperty(at: string, key: string, parent: Schema, title: string | undefined): ErrorDetail {
  const path = join(at, key);
  const reason = title && NOT_ALLOWED[`${title}/${key}`];
  if (reason) return { path, message: reason };
  const allowed = Object.keys(isSchema(parent.properties) ? parent.properties : {});
  const where = title ? article(title) : 'this object';
  if (KNOWN_KEYS.has(key) && title) return { path, message: `does not apply to ${where}` };
  const near = nearest(key, allowed);
  if (near) return { path, message: `is not a property of ${where}; did you mean "${near}"?` };
  return { path, message: `is not a property of ${where}; use ${listOr(allowed)}` };
}

function propertyCount(keyword: string, title: string | undefined): string {
  if (title === 'target selection') {
    return keyword === 'minProperties'
      ? 'must give hosts or a selector'
      : 'give either hosts or a selector, not both';
  }
  if (title === 'per-OS command') return 'must give at least one of default, linux, windows';
  return keyword === 'minProperties' ? 'must not be empty' : 'has too many properties';
}

function unionMessage(e: ErrorObject): string {
  const branches = (Array.isArray(e.schema) ? e.schema : []).filter(isSchema);
  const literals = branches.filter((b) => b.const !== undefined).map((b) => b.const);
  const others = branches.filter((b) => b.const === undefined).map((b) => kind(b, true));
  if (others.length === 0) return oneOf(literals, e.data);
  const choices = literals.length > 0 ? [`one of ${literals.join(', ')}`, ...others] : others;
  const near = typeof e.data === 'string' ? nearest(e.data, literals.map(String)) : undefined;
  return `must be ${listOr(choices)}${got(e.data)}${near ? `; did you mean "${near}"?` : ''}`;
}

function oneOf(allowed: readonly unknown[], data: unknown): string {
  const near = typeof data === 'string' ? nearest(data, allowed.map(String)) : undefined;
  const hint = near ? `; did you mean "${near}"?` : '';
  return `must be one of ${allowed.join(', ')}${got(data)}${hint}`;
}

/** "a positive integer", "a string", "a retry policy (attempts, backoff, on)" … */
function kind(s: Schema, withLimits: boolean): string {
  const min = typeof s.minimum === 'number' ? s.minimum : undefined;
  const max = typeof s.maximum === 'number' ? s.maximum : undefined;
  switch (s.type) {
    case 'integer':
      if (!withLimits && min === undefined) return 'an integer';
      if (min !== undefined && max !== undefined) return `an integer from ${min} to ${max}`;
      if (min === 1) return 'a positive integer';
      if (min === 0) return 'a non-negative integer';
      return min !== undefined ? `an integer of at least ${min}` : 'an integer';
    case 'number':
      if (s.exclusiveMinimum === 0) return 'a positive number';
      if (min !== undefined && max !== undefined) return `a number from ${min} to ${max}`;
      return min !== undefined ? `a number of at least ${min}` : 'a number';
    case 'string':
      if (s.pattern === PATTERNS.batchPercent || s.pattern === PATTERNS.failurePercent) {
        return 'a percentage such as "25%"';
      }
      return 'a string';
    case 'boolean':
      return withLimits ? 'a boolean' : 'true or false';
    case 'array':
      return 'a list';
    case 'object': {
      const name = typeof s.title === 'string' ? s.title : 'mapping';
      const required = Array.isArray(s.required) ? s.required.map(String) : [];
      const all = isSchema(s.properties) ? Object.keys(s.properties) : [];
      const keys = required.length > 0 ? required : all.slice(0, 3);
      if (keys.length === 0) return article(name);
      const more = all.length > keys.length ? ', …' : '';
      return name === 'mapping'
        ? `a mapping with ${keys.join(', ')}${more}`
        : `${article(name)} (a mapping with ${keys.join(', ')}${more})`;
    }
    default:
      return 'a valid value';
  }
}

function got(data: unknown): string {
  if (data === null) return ' (got null)';
  if (typeof data === 'object' || data === undefined) {
    return Array.isArray(data) ? ' (got a list)' : data === undefined ? '' : ' (got a mapping)';
  }
  const text = JSON.stringify(data);
  return ` (got ${text.length > 40 ? `${text.slice(0, 37)}…` : text})`;
}

const join = (at: string, key: string) => (at ? `${at}.${key}` : key);
const rooted = (at: string) => at || '(root)';
const article = (noun: string) => (/^[aeiou]/i.test(noun) ? `an ${noun}` : `a ${noun}`);

function listOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The allowed name closest to a typo, if it is close enough to be what was meant. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const limit = w.length <= 4 ? 1 : w.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (c === word) continue;
    const lower = c.toLowerCase();
    // A cut-short name ("str" for "string") counts as one edit.
    const d = w.length >= 3 && lower.startsWith(w) ? 1 : distance(w, lower);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Edit distance where swapping two neighbouring letters is one edit ("exce" → "exec"). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}
