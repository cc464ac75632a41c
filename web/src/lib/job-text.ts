/** A job definition's parts as short texts for the job page. Pure. */
import type {
  CommandVariants,
  JobStrategy,
  ParameterSpec,
  StepCondition,
  StepSpec,
} from '../api/job-types.ts';
import type { TargetSelection } from '../api/types.ts';

export function parameterTypeText(p: ParameterSpec): string {
  if (p.type === 'enum') return p.multiple ? 'enum (several)' : 'enum';
  if (p.type === 'array') return `array of ${p.items}`;
  return p.type;
}

export function defaultText(p: ParameterSpec): string | null {
  if (p.type === 'secret' || p.default === undefined) return null;
  if (Array.isArray(p.default)) return p.default.length ? p.default.join(', ') : '(empty list)';
  return String(p.default);
}

const variants = (c: CommandVariants): string =>
  [c.default, c.linux && `linux: ${c.linux}`, c.windows && `windows: ${c.windows}`]
    .filter((x): x is string => Boolean(x))
    .join('\n');

/** What a step does, e.g. its command, or "source → destination". */
export function stepDetail(s: StepSpec): string {
  switch (s.type) {
    case 'exec':
      return variants(s.command);
    case 'script':
      return `${s.interpreter ? `${s.interpreter}: ` : ''}${variants(s.script)}`;
    case 'local':
      return s.command;
    case 'upload':
    case 'sync':
      return `${s.source} → ${s.destination}`;
    case 'download':
      return `${s.source} → artifact ${s.artifact}`;
  }
}

export function conditionText(c: StepCondition): string {
  if (c.kind === 'step') return `when ${c.step} ${c.outcomes.join(' or ')}`;
  return c.kind === 'success' ? '' : `when ${c.kind}`;
}

/** The step's settings that differ from the defaults: timeout, retries, continue on error, when. */
export function stepSettings(s: StepSpec): string[] {
  const out: string[] = [];
  if (s.timeoutSeconds !== undefined) out.push(`timeout ${s.timeoutSeconds} s`);
  if (s.retry.attempts > 0) {
    out.push(
      `${s.retry.attempts} ${s.retry.attempts === 1 ? 'retry' : 'retries'} (${s.retry.on}, ${s.retry.backoffSeconds} s backoff)`,
    );
  }
  if (s.continueOnError) out.push('continues on error');
  const when = conditionText(s.when);
  if (when) out.push(when);
  return out;
}

export function strategyText(s: JobStrategy): string {
  const parts: string[] = [];
  parts.push(s.batchSize !== undefined ? `rolling batches of ${s.batchSize}` : 'one batch');
  if (s.maxFailures !== undefined) parts.push(`stop after ${s.maxFailures} failed`);
  if (s.maxParallel !== undefined) parts.push(`at most ${s.maxParallel} at once`);
  parts.push(s.order === 'hostFirst' ? 'host by host' : 'step by step');
  if (s.allowConcurrentOnHost) parts.push('may share hosts with other runs');
  return parts.join(' · ');
}

export function targetsText(t: TargetSelection | undefined | null): string {
  if (t?.hosts?.length) return t.hosts.join(', ');
  if (t?.selector) return `selector ${t.selector}`;
  return 'none (chosen at launch)';
}
