/**
 * The `${{ … }}` expressions of a template, found statically. The grammar is small on purpose:
 * `${{ parameters.<name> }}`, `${{ steps.<id>.<output> }}`, each optionally prefixed by `raw`
 * (`${{ raw parameters.<name> }}`), which inserts the value without shell quoting. `$${{` is a
 * literal `${{` (as render.ts reads it).
 */

export const STEP_OUTPUTS = ['stdout', 'stderr', 'exitCode', 'status'] as const;
export type StepOutput = (typeof STEP_OUTPUTS)[number];

interface ReferenceBase {
  /** The whole expression as written, `${{ parameters.version }}`. */
  readonly text: string;
  /** Offset of `${{` in the template. */
  readonly start: number;
  /** Inserted unquoted. */
  readonly raw: boolean;
}

export type Reference =
  | (ReferenceBase & { readonly kind: 'parameter'; readonly name: string })
  | (ReferenceBase & { readonly kind: 'step'; readonly step: string; readonly output: StepOutput });

export interface ReferenceScan {
  readonly references: Reference[];
  /** Sentences for expressions that are not references at all (`${{ params.x }}`, unclosed). */
  readonly problems: string[];
}

const OPEN = '${{';
const CLOSE = '}}';
const PARAMETER = /^parameters\.([A-Za-z_][A-Za-z0-9_]*)$/;
const STEP = /^steps\.([A-Za-z0-9_][A-Za-z0-9_-]*)\.([A-Za-z]+)$/;

export function scanReferences(template: string): ReferenceScan {
  const references: Reference[] = [];
  const problems: string[] = [];
  let at = template.indexOf(OPEN);
  while (at !== -1) {
    if (at > 0 && template[at - 1] === '$') {
      at = template.indexOf(OPEN, at + OPEN.length);
      continue;
    }
    const close = template.indexOf(CLOSE, at + OPEN.length);
    if (close === -1) {
      problems.push(`has "${OPEN}" at offset ${at} without a closing "${CLOSE}"`);
      break;
    }
    const text = template.slice(at, close + CLOSE.length);
    const found = parseExpression(template.slice(at + OPEN.length, close).trim(), text, at);
    if (typeof found === 'string') problems.push(found);
    else references.push(found);
    at = template.indexOf(OPEN, close + CLOSE.length);
  }
  return { references, problems };
}

function parseExpression(inner: string, text: string, start: number): Reference | string {
  const rawMatch = /^raw\s+(.*)$/s.exec(inner);
  const raw = rawMatch !== null;
  const body = rawMatch?.[1]?.trim() ?? inner;
  const param = PARAMETER.exec(body);
  if (param?.[1]) return { kind: 'parameter', name: param[1], raw, text, start };
  const step = STEP.exec(body);
  if (step?.[1] && step[2]) {
    const output = STEP_OUTPUTS.find((o) => o === step[2]);
    if (!output) {
      return `${text}: a step has no output "${step[2]}"; use one of ${STEP_OUTPUTS.join(', ')}`;
    }
    return { kind: 'step', step: step[1], output, raw, text, start };
  }
  return `${text} is not an expression orca knows; write \${{ parameters.<name> }} or \${{ steps.<id>.stdout }}`;
}
