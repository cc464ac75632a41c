/**
 * `${{ … }}` substitution in step text. In shell text (commands, scripts) every value becomes one
 * quoted literal for the target shell and may only stand where the shell reads words
 * (placement.ts); `${{ raw … }}` inserts it verbatim, the explicit opt-out the editor warns about.
 * `$${{` is a literal `${{`. Other fields (paths, env values passed as data) use renderPlain. Pure.
 */
import { ErrorCode, OrcaError } from '../errors.ts';
import { secretVariable } from '../secret-env.ts';
import { unsafePlacements } from './placement.ts';
import { quoteFor, quoteValue, type Shell } from './quote.ts';
import type { ParamValue } from './types.ts';

/** What an earlier step left for later ones (`${{ steps.<id>.<field> }}`). */
export interface StepOutputs {
  readonly stdout: string;
  readonly stderr: string;
  /** Null when the step ended without one (timeout, cancel, connection failure): renders as empty. */
  readonly exitCode: number | null;
  readonly status: string;
}

export interface RenderContext {
  /** The run's values, from resolveParameterValues. */
  readonly parameters: Readonly<Record<string, ParamValue>>;
  /** Captured outputs of the steps that ran before on the same host, by step id. */
  readonly steps?: Readonly<Record<string, StepOutputs>> | undefined;
  /**
   * The run's secret values. In shell text a value containing one is not inserted: the text
   * names a variable instead (secret-env.ts) and the value goes in {@link RenderedShell.secretEnv}.
   */
  readonly secrets?: readonly string[] | undefined;
}

/** Shell text, and the variables it reads secret values from (to be set without appearing in any command line). */
export interface RenderedShell {
  readonly text: string;
  readonly secretEnv: Readonly<Record<string, string>>;
}

type StepField = 'stdout' | 'stderr' | 'exitCode' | 'status';

/** A `${{ … }}` in a template (the grammar of definition-refs.ts); `text` is how the user wrote it. */
type TemplateReference = { readonly raw: boolean; readonly text: string } & (
  | { readonly kind: 'parameter'; readonly name: string }
  | { readonly kind: 'step'; readonly step: string; readonly field: StepField }
);

type Part = string | TemplateReference;

const REFERENCE =
  /^\s*(raw\s+)?(?:parameters\.([A-Za-z_][A-Za-z0-9_]*)|steps\.([A-Za-z0-9_][A-Za-z0-9_-]*)\.(stdout|stderr|exitCode|status))\s*$/;

/**
 * Substitutes every reference as a literal of `shell` (quote.ts); lists stay separate words.
 * Throws OrcaError (validation) for a malformed or unknown reference, a value the shell cannot be
 * given (cmd), or a value placed where its quoting would not hold, such as inside quotes.
 */
export function renderTemplate(template: string, context: RenderContext, shell: Shell): string {
  const rendered = renderShell(template, context, shell);
  if (Object.keys(rendered.secretEnv).length > 0) {
    throw new TypeError('the text refers to secret values: render it with renderShell and pass secretEnv');
  }
  return rendered.text;
}

/**
 * Like {@link renderTemplate}, but a value holding a secret (a `secret` parameter, say) becomes a
 * quoted expansion of a variable — sh `"$ORCA_SECRET_name"`, PowerShell `"$env:ORCA_SECRET_name"`,
 * cmd `"%ORCA_SECRET_name%"` — whose value is returned in `secretEnv`: the command text, and so
 * the host's process list, never holds it. A secret cannot be inserted `raw`.
 */
export function renderShell(template: string, context: RenderContext, shell: Shell): RenderedShell {
  const secrets = (context.secrets ?? []).filter((s) => s !== '');
  const secretEnv: Record<string, string> = {};
  let out = '';
  const inserted: { offset: number; ref: TemplateReference }[] = [];
  for (const part of parse(template)) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = lookup(part, context);
    const secret = typeof value === 'string' && secrets.some((s) => value.includes(s));
    if (secret && part.raw) {
      const message = `${part.text} holds a secret, which is never inserted raw: write \${{ ${label(part)} }} (orca passes it in an environment variable)`;
      throw new OrcaError(ErrorCode.validation, message, [{ path: label(part), message }]);
    }
    const text = part.raw
      ? plainText(value)
      : secret
        ? secretReference(shell, value, label(part), secretEnv)
        : quoteValue(shell, value, label(part));
    if (!part.raw && text !== '') inserted.push({ offset: out.length, ref: part });
    out += text;
  }
  const unsafe = unsafePlacements(
    shell,
    out,
    inserted.map((i) => i.offset),
  );
  const problems = inserted.flatMap(({ offset, ref }) => {
    const reason = unsafe.get(offset);
    if (reason === undefined) return [];
    const message = `${ref.text} is ${reason}, where its quoting would not hold: write it as a word of its own (orca quotes the value for ${shell})`;
    return [{ path: label(ref), message }];
  });
  if (problems.length > 0) {
    throw new OrcaError(ErrorCode.validation, problems.map((p) => p.message).join('; '), problems);
  }
  return { text: out, secretEnv };
}

function secretReference(shell: Shell, value: string, what: string, env: Record<string, string>): string {
  quoteFor(shell, value, what); // the same refusals (NUL; for cmd, what it acts on in quotes)
  const name = secretVariable(what);
  env[name] = value;
  if (shell === 'sh') return `"$${name}"`;
  return shell === 'powershell' ? `"$env:${name}"` : `"%${name}%"`;
}

/** Substitutes values as plain text, for fields that are data rather than shell text; lists are space-separated. */
export function renderPlain(template: string, context: RenderContext): string {
  return parse(template)
    .map((part) => (typeof part === 'string' ? part : plainText(lookup(part, context))))
    .join('');
}

function parse(template: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  for (;;) {
    const start = template.indexOf('${{', i);
    if (start < 0) break;
    if (start > i && template[start - 1] === '$') {
      literal += `${template.slice(i, start - 1)}\${{`;
      i = start + 3;
      continue;
    }
    literal += template.slice(i, start);
    const end = template.indexOf('}}', start + 3);
    if (end < 0) throw syntaxError(`${abbreviate(template.slice(start))} is not closed with }}`);
    const text = template.slice(start, end + 2);
    const m = REFERENCE.exec(template.slice(start + 3, end));
    if (!m) {
      throw syntaxError(
        `${abbreviate(text)} is not a reference: write \${{ parameters.NAME }} or \${{ steps.ID.stdout }} (or .stderr, .exitCode, .status), with raw before it to insert the value unquoted; $\${{ is a literal \${{`,
      );
    }
    const raw = m[1] !== undefined;
    if (literal !== '') parts.push(literal);
    literal = '';
    parts.push(
      m[2] !== undefined
        ? { kind: 'parameter', name: m[2], raw, text }
        : { kind: 'step', step: m[3]!, field: m[4] as StepField, raw, text },
    );
    i = end + 2;
  }
  literal += template.slice(i);
  if (literal !== '') parts.push(literal);
  return parts;
}

function lookup(ref: TemplateReference, context: RenderContext): ParamValue | null {
  if (ref.kind === 'parameter') {
    if (Object.hasOwn(context.parameters, ref.name)) return context.parameters[ref.name]!;
    throw unknown(ref, `parameters.${ref.name} is not a parameter of this job, or has no value in this run`);
  }
  const steps = context.steps ?? {};
  if (!Object.hasOwn(steps, ref.step)) {
    throw unknown(ref, `step ${ref.step} has not run before this step on this host`);
  }
  const outputs = steps[ref.step]!;
  // Like shell $( ): the output's final line break is not part of the value.
  if (ref.field === 'stdout' || ref.field === 'stderr') return outputs[ref.field].replace(/\r?\n$/, '');
  return outputs[ref.field];
}

function plainText(value: ParamValue | null): string {
  if (value === null) return '';
  return Array.isArray(value) ? value.join(' ') : String(value);
}

const label = (ref: TemplateReference) =>
  ref.kind === 'parameter' ? `parameters.${ref.name}` : `steps.${ref.step}.${ref.field}`;

const abbreviate = (text: string) => (text.length > 60 ? `${text.slice(0, 60)}…` : text);

function unknown(ref: TemplateReference, message: string): OrcaError {
  return new OrcaError(ErrorCode.validation, `${ref.text}: ${message}`, [{ path: label(ref), message }]);
}

function syntaxError(message: string): OrcaError {
  return new OrcaError(ErrorCode.validation, message, [{ path: 'template', message }]);
}
