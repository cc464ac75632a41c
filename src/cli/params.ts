/**
 * Parameter values typed on the command line (`-p name=value`, all text) or read from a file,
 * converted to what each of the job's parameters expects. The server checks the values again
 * (patterns, ranges, enum members); this only turns text into numbers, booleans and lists. Pure.
 */
import { InvalidArgumentError } from 'commander';
import { parseDocument } from 'yaml';
import type { ParameterSpec } from '../domain/jobs/types.ts';
import type { ErrorDetail } from './client.ts';

/** One `-p name=value`. */
export interface Assignment {
  readonly name: string;
  readonly text: string;
}

/** The value of `-p name=-`: ask for it (hidden, for secrets). */
export const ASK = '-';

/** commander argParser for repeated `-p name=value`; the first `=` separates name and value. */
export function collectAssignment(arg: string, previous: readonly Assignment[] = []): Assignment[] {
  const at = arg.indexOf('=');
  const name = at < 0 ? '' : arg.slice(0, at).trim();
  if (!name) throw new InvalidArgumentError('must be name=value (e.g. -p version=2.4.1)');
  return [...previous, { name, text: arg.slice(at + 1) }];
}

/**
 * A parameters file: a JSON object, or a YAML mapping read with every scalar as text (so `1.10`
 * stays `1.10` and `no` is not a boolean until the parameter's type says so). Throws a message.
 */
export function parseParamsFile(file: string, text: string): Record<string, unknown> {
  let value: unknown;
  if (/\.json$/i.test(file)) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else {
    const doc = parseDocument(text, { schema: 'failsafe' });
    const first = doc.errors[0];
    if (first) throw new Error(`${file}: not valid YAML: ${first.message.split('\n')[0]}`);
    value = doc.toJS();
  }
  if (value === null || value === undefined || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${file}: must be a mapping of parameter names to values`);
  }
  return value as Record<string, unknown>;
}

export interface SecretToAsk {
  readonly name: string;
  readonly description?: string | undefined;
  /** False: an optional secret nobody gave; asked only at a terminal, and may stay empty. */
  readonly required: boolean;
}

export interface ConvertedParameters {
  /** Values to send, by name; parameters given nowhere are left to their defaults. */
  readonly values: Record<string, unknown>;
  /** What could not be converted, at `parameters.<name>` like the server's details. */
  readonly problems: ErrorDetail[];
  /** Secrets to read without echo: given as `-p name=-`, or not given at all. */
  readonly ask: SecretToAsk[];
  /** Secrets whose value came through argv, visible in the process list. */
  readonly exposed: string[];
}

type Converted =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly message: string };
const ok = (value: unknown): Converted => ({ ok: true, value });
const bad = (message: string): Converted => ({ ok: false, message });

/**
 * Combines a parameters file (already parsed; its values may be text or typed) with `-p`
 * assignments, which win over the file, converting both per the parameter specs.
 */
export function convertParameters(
  specs: readonly ParameterSpec[],
  file: Readonly<Record<string, unknown>>,
  assignments: readonly Assignment[],
): ConvertedParameters {
  const entries: [string, unknown][] = [];
  const problems: ErrorDetail[] = [];
  const ask: SecretToAsk[] = [];
  const exposed: string[] = [];
  const known = new Set(specs.map((s) => s.name));
  const given = new Map<string, string[]>();
  for (const a of assignments) given.set(a.name, [...(given.get(a.name) ?? []), a.text]);

  const unknown = [...new Set([...Object.keys(file), ...given.keys()])].filter((n) => !known.has(n));
  for (const name of unknown) {
    const list = specs.length === 0 ? 'this job has no parameters' : `known: ${[...known].join(', ')}`;
    problems.push({ path: `parameters.${name}`, message: `is not a parameter of this job (${list})` });
  }

  for (const spec of specs) {
    const texts = given.get(spec.name);
    let result: Converted | undefined;
    if (texts) {
      if (texts.length > 1 && !isList(spec)) {
        result = bad(
          `is given ${texts.length} times with -p; only lists (enum with multiple, array) take several`,
        );
      } else if (spec.type === 'secret' && texts[0] === ASK) {
        ask.push({ name: spec.name, description: spec.description, required: true });
        continue;
      } else {
        if (spec.type === 'secret') exposed.push(spec.name);
        result = isList(spec) ? fromText(spec, texts.flatMap(splitList)) : fromText(spec, texts[0] ?? '');
      }
    } else if (Object.hasOwn(file, spec.name)) {
      result = fromFile(spec, file[spec.name]);
    } else if (spec.type === 'secret' && spec.default === undefined) {
      ask.push({ name: spec.name, description: spec.description, required: spec.required });
      continue;
    } else {
      continue;
    }
    if (result.ok) entries.push([spec.name, result.value]);
    else problems.push({ path: `parameters.${spec.name}`, message: result.message });
  }
  // fromEntries defines own properties, so a parameter called __proto__ stays a plain value.
  return { values: Object.fromEntries(entries), problems, ask, exposed };
}

const isList = (spec: ParameterSpec): boolean =>
  spec.type === 'array' || (spec.type === 'enum' && spec.multiple);

/** `a, b,,c` → ['a', 'b', 'c']; an empty value is an empty list. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A file value: text converts as from `-p`; a list of texts item by item; typed values as they are. */
function fromFile(spec: ParameterSpec, value: unknown): Converted {
  if (typeof value === 'string') return fromText(spec, isList(spec) ? splitList(value) : value);
  if (Array.isArray(value) && isList(spec) && value.every((v) => typeof v === 'string')) {
    return fromText(spec, value as string[]);
  }
  return ok(value);
}

/** Text (or a list of texts, for list parameters) as the parameter's type. */
function fromText(spec: ParameterSpec, text: string | readonly string[]): Converted {
  if (Array.isArray(text)) {
    if (spec.type !== 'array' || spec.items === 'string') return ok([...text]);
    const out: unknown[] = [];
    for (const [i, item] of text.entries()) {
      const c = scalar(spec.items, item);
      if (!c.ok) return bad(`item ${i + 1} ${c.message}`);
      out.push(c.value);
    }
    return ok(out);
  }
  const one = text as string;
  switch (spec.type) {
    case 'integer':
    case 'number':
    case 'boolean':
      return scalar(spec.type, one);
    default:
      return ok(one);
  }
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const TRUE = new Set(['true', 'yes']);
const FALSE = new Set(['false', 'no']);

function scalar(type: 'string' | 'integer' | 'number' | 'boolean', text: string): Converted {
  const t = text.trim();
  const shown = JSON.stringify(text);
  switch (type) {
    case 'string':
      return ok(text);
    case 'integer': {
      if (!INTEGER.test(t)) return bad(`must be a whole number, not ${shown}`);
      const n = Number(t);
      if (!Number.isSafeInteger(n)) {
        return bad(`must be between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, not ${t}`);
      }
      return ok(n);
    }
    case 'number': {
      const n = Number(t);
      if (!DECIMAL.test(t) || !Number.isFinite(n)) return bad(`must be a number, not ${shown}`);
      return ok(n);
    }
    case 'boolean': {
      const lower = t.toLowerCase();
      if (TRUE.has(lower)) return ok(true);
      if (FALSE.has(lower)) return ok(false);
      return bad(`must be true or false (or yes, no), not ${shown}`);
    }
  }
}
