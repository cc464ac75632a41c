/** A step's environment, directory and the other options its commands run with. */
import type { RenderContext, RenderedShell } from '../domain/jobs/render.ts';
import { renderPlain } from '../domain/jobs/render.ts';
import type { StepAttempt } from './steps.ts';

/**
 * The step's environment and directory. A variable whose value holds a secret goes with the
 * variables the command text refers to (`rendered`) into `secretEnv`, which reaches the command
 * without appearing in any command line.
 */
export function execOptions(a: StepAttempt, cwdDefault?: string, rendered?: RenderedShell) {
  const step = a.step;
  const { env, secretEnv } =
    'env' in step ? renderEnv(step.env, a.context) : { env: undefined, secretEnv: {} };
  const allSecret = { ...secretEnv, ...rendered?.secretEnv };
  const cwd = 'cwd' in step && step.cwd ? renderPlain(step.cwd, a.context) : cwdDefault;
  return {
    env,
    secretEnv: Object.keys(allSecret).length > 0 ? allSecret : undefined,
    cwd,
    timeoutMs: a.timeoutMs,
    signal: a.signal,
    onOutput: a.onOutput,
  };
}

export function renderEnv(
  env: Readonly<Record<string, string>>,
  context: RenderContext,
): { env: Record<string, string> | undefined; secretEnv: Record<string, string> } {
  const secrets = (context.secrets ?? []).filter((s) => s !== '');
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [name, template] of Object.entries(env)) {
    const value = renderPlain(template, context);
    if (secrets.some((s) => value.includes(s))) secret[name] = value;
    else plain[name] = value;
  }
  return { env: Object.keys(plain).length > 0 ? plain : undefined, secretEnv: secret };
}
