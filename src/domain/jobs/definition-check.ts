/**
 * The rules a JSON Schema cannot say: unique step ids, `when` and `${{ steps.… }}` naming only
 * earlier steps, `${{ parameters.… }}` naming declared parameters, fields needed per step type,
 * defaults that satisfy their own constraints. Reads the document defensively, so it runs even
 * when the schema already failed and every problem is reported at once.
 */
import type { ErrorDetail } from '../errors.ts';
import { parseSelector, SelectorError } from '../selectors.ts';
import { checkParameter } from './definition-check-params.ts';
import {
  isRecord,
  type Raw,
  REQUIRED_FIELDS,
  stepFields,
  stepId,
  stepType,
  TEMPLATED_FIELDS,
} from './definition-fields.ts';
import { checkPlacements, shellsFor } from './definition-placement.ts';
import { scanReferences } from './definition-refs.ts';
import type { Shell } from './quote.ts';

export interface Findings {
  readonly errors: ErrorDetail[];
  readonly warnings: ErrorDetail[];
}

export function checkDocument(doc: unknown): Findings {
  const found: Findings = { errors: [], warnings: [] };
  if (!isRecord(doc)) return found;
  if (isRecord(doc.targets) && typeof doc.targets.selector === 'string') {
    const problem = selectorProblem(doc.targets.selector);
    if (problem) found.errors.push({ path: 'targets.selector', message: problem });
  }
  const parameters = new Set<string>();
  const secretParameters = new Set<string>();
  if (isRecord(doc.parameters)) {
    for (const [name, spec] of Object.entries(doc.parameters)) {
      parameters.add(name);
      if (isRecord(spec) && spec.type === 'secret') secretParameters.add(name);
      if (isRecord(spec)) found.errors.push(...checkParameter(spec, `parameters.${name}`));
    }
  }
  const steps = Array.isArray(doc.steps) ? doc.steps : [];
  /** Ids of the steps seen so far, with the path that gave each. */
  const earlier = new Map<string, string>();
  const all = new Map<string, number>();
  steps.forEach((s, i) => {
    const id = isRecord(s) ? stepId(s, i) : undefined;
    if (id !== undefined && !all.has(id)) all.set(id, i);
  });
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    const base = `steps[${i}]`;
    const context: StepContext = { base, index: i, parameters, secretParameters, earlier, all, found };
    checkStep(step, context);
    const id = stepId(step, i);
    if (id === undefined) return;
    const previous = earlier.get(id);
    if (previous !== undefined) {
      found.errors.push(
        step.id === undefined
          ? {
              path: `${base}.name`,
              message: `gives the step id "${id}", which ${previous} already has; add a unique id`,
            }
          : {
              path: `${base}.id`,
              message: `"${id}" is already the id of ${previous}; step ids must be unique`,
            },
      );
    } else {
      earlier.set(id, base);
    }
  });
  return found;
}

interface StepContext {
  readonly base: string;
  readonly index: number;
  readonly parameters: ReadonlySet<string>;
  /** Secret ones among them: never inserted raw into shell text. */
  readonly secretParameters: ReadonlySet<string>;
  readonly earlier: ReadonlyMap<string, string>;
  readonly all: ReadonlyMap<string, number>;
  readonly found: Findings;
}

function checkStep(step: Raw, c: StepContext): void {
  checkWhen(step.when, c);
  const type = stepType(step.type);
  if (!type) return;
  const fields = stepFields(step, type, c.base);
  for (const d of fields.duplicates) {
    c.found.errors.push({ path: d.path, message: `is also given as ${d.first}; give it once` });
  }
  for (const field of REQUIRED_FIELDS[type]) {
    if (!fields.values.has(field)) {
      c.found.errors.push({ path: `${c.base}.${field}`, message: `is required for ${article(type)} step` });
    }
  }
  for (const [field, { value, path }] of fields.values) {
    if (!TEMPLATED_FIELDS.has(field)) continue;
    const shellText = field === 'command' || field === 'script';
    checkTemplates(value, path, c, shellText ? { local: type === 'local' } : undefined);
  }
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function checkWhen(when: unknown, c: StepContext): void {
  if (!isRecord(when) || typeof when.step !== 'string') return;
  const message = refersTo(when.step, c);
  if (message) c.found.errors.push({ path: `${c.base}.when.step`, message });
}

/** Why a step id may not be referred to from step `c.index`, or null when it may. */
function refersTo(id: string, c: StepContext): string | null {
  if (c.earlier.has(id)) return null;
  const at = c.all.get(id);
  if (at === c.index) return `refers to this step itself; a step can only depend on earlier steps`;
  if (at !== undefined)
    return `refers to steps[${at}] ("${id}"), which runs later; only earlier steps can be used`;
  const known = [...c.earlier.keys()];
  const hint = known.length > 0 ? `; earlier steps are ${known.join(', ')}` : '; there is no earlier step';
  return `refers to a step "${id}" that does not exist${hint}`;
}

/** Shell text (commands, scripts) is also checked for where each value stands; `local` runs on the worker. */
type ShellText = { readonly local: boolean } | undefined;

function checkTemplates(value: unknown, path: string, c: StepContext, shell: ShellText): void {
  if (typeof value === 'string') {
    checkTemplate(value, path, c, shell && shellsFor(undefined, shell.local));
  } else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === 'string') checkTemplate(v, `${path}.${key}`, c, shell && shellsFor(key, shell.local));
    }
  }
}

function checkTemplate(
  text: string,
  path: string,
  c: StepContext,
  shells: readonly Shell[] | undefined,
): void {
  const scan = scanReferences(text);
  if (shells && scan.problems.length === 0) {
    const placed = checkPlacements(text, scan.references, shells, path);
    c.found.errors.push(...placed.errors);
    c.found.warnings.push(...placed.warnings);
  }
  for (const problem of scan.problems) c.found.errors.push({ path, message: problem });
  for (const ref of scan.references) {
    if (ref.kind === 'parameter') {
      if (!c.parameters.has(ref.name)) {
        const declared = [...c.parameters];
        const hint = declared.length > 0 ? `; declared: ${declared.join(', ')}` : '; the job declares none';
        c.found.errors.push({
          path,
          message: `${ref.text} names a parameter "${ref.name}" that is not declared${hint}`,
        });
        continue;
      }
    } else {
      const message = refersTo(ref.step, c);
      if (message) {
        c.found.errors.push({ path, message: `${ref.text} ${message}` });
        continue;
      }
    }
    if (ref.raw && shells && ref.kind === 'parameter' && c.secretParameters.has(ref.name)) {
      c.found.errors.push({
        path,
        message: `${ref.text} is a secret, which is never inserted raw: write \${{ parameters.${ref.name} }} (orca passes it in an environment variable)`,
      });
    } else if (ref.raw) {
      c.found.warnings.push({
        path,
        message: `${ref.text} is inserted without shell quoting; a value containing shell syntax runs as commands`,
      });
    }
  }
}

/** Where and why a selector does not parse (see docs/inventory.md); null when it does. */
function selectorProblem(selector: string): string | null {
  try {
    parseSelector(selector);
    return null;
  } catch (e) {
    if (e instanceof SelectorError) return e.detail;
    throw e;
  }
}
