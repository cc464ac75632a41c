/** Turns a submitted job document or object into a version ready to store, with error paths into the request. */
import { createHash } from 'node:crypto';
import type { Author, NewVersion } from '../../db/jobs.ts';
import type { UserRow } from '../../db/users.ts';
import { ErrorCode, type ErrorDetail, OrcaError } from '../../domain/errors.ts';
import {
  canonicalDefinition,
  parseJobDocument,
  validateJobDefinition,
} from '../../domain/jobs/definition.ts';
import type { JobDefinition } from '../../domain/jobs/types.ts';
import type { JobFormat, SaveJob } from '../job-schemas.ts';

export interface Checked {
  readonly version: NewVersion;
  readonly warnings: ErrorDetail[];
}

/** `body.documents[2]` + `steps[0].type` → `body.documents[2].steps[0].type`; `(root)` is the prefix itself. */
const joinPath = (prefix: string, path: string): string =>
  !path || path === '(root)' ? prefix : path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;

const prefixed = (prefix: string, details: readonly ErrorDetail[]): ErrorDetail[] =>
  details.map((d) => ({ path: joinPath(prefix, d.path), message: d.message }));

/** The details of a definition's OrcaError under `prefix`; other errors pass through. */
export function definitionErrors(error: unknown, prefix: string): ErrorDetail[] {
  if (!(error instanceof OrcaError) || error.code !== ErrorCode.validation) throw error;
  return error.details.length > 0
    ? prefixed(prefix, error.details)
    : [{ path: prefix, message: error.message }];
}

export function validationError(details: readonly ErrorDetail[], lead?: string): OrcaError {
  const listed = details
    .slice(0, 5)
    .map((d) => `${d.path}: ${d.message}`)
    .join('; ');
  const more = details.length > 5 ? ` (and ${details.length - 5} more)` : '';
  return new OrcaError(ErrorCode.validation, `${lead ? `${lead}: ` : ''}${listed}${more}`, details);
}

/** The format a document is in when the client did not say: JSON if it parses as JSON. */
function formatOf(text: string, given: JobFormat | undefined): JobFormat {
  if (given) return given;
  try {
    JSON.parse(text);
    return 'json';
  } catch {
    return 'yaml';
  }
}

const definitionHash = (d: JobDefinition): string =>
  createHash('sha256').update(canonicalDefinition(d)).digest('hex');

/** A document (YAML or JSON text) checked and normalised; throws OrcaError with paths under `prefix`. */
export function checkDocument(text: string, format: JobFormat | undefined, prefix: string): Checked {
  let parsed: { definition: JobDefinition; warnings: readonly ErrorDetail[] };
  try {
    parsed = parseJobDocument(text, format);
  } catch (error) {
    throw validationError(definitionErrors(error, prefix));
  }
  return {
    version: {
      definition: parsed.definition,
      source: text,
      format: formatOf(text, format),
      hash: definitionHash(parsed.definition),
    },
    warnings: prefixed(prefix, parsed.warnings),
  };
}

/** The body of POST and PUT /jobs: a document, or the definition as an object (stored as JSON). */
export function checkBody(body: SaveJob): Checked {
  if ('document' in body) return checkDocument(body.document, body.format, 'body.document');
  let checked: { definition: JobDefinition; warnings: readonly ErrorDetail[] };
  try {
    checked = validateJobDefinition(body.definition);
  } catch (error) {
    throw validationError(definitionErrors(error, 'body.definition'));
  }
  return {
    version: {
      definition: checked.definition,
      source: `${JSON.stringify(body.definition, null, 2)}\n`,
      format: 'json',
      hash: definitionHash(checked.definition),
    },
    warnings: prefixed('body.definition', checked.warnings),
  };
}

export const authorOf = (user: UserRow | null): Author | null =>
  user && { id: user.id, username: user.username };
