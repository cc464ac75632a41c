/** A saved schedule's values and targets as the form's fields hold them. Pure. */
import type { ParameterSpec } from '../api/job-types.ts';
import type { TargetSelection } from '../api/types.ts';
import type { TargetChoice } from '../components/TargetPicker.tsx';
import { type FieldValue, type FormValues, initialValues } from './params.ts';

/**
 * The stored values over the defaults. A secret arrives as `***` and stays so: sent back
 * unchanged, the server keeps the stored value.
 */
export function formValuesOf(specs: readonly ParameterSpec[], stored: Record<string, unknown>): FormValues {
  const values = initialValues(specs);
  for (const spec of specs) {
    const v = stored[spec.name];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) values[spec.name] = v.map(String);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      values[spec.name] = v as FieldValue;
  }
  return values;
}

export function targetChoiceOf(targets: TargetSelection | null | undefined): TargetChoice {
  if (targets?.hosts?.length) return { mode: 'hosts', hosts: [...targets.hosts], selector: '' };
  if (targets?.selector) return { mode: 'selector', hosts: [], selector: targets.selector };
  return { mode: 'default', hosts: [], selector: '' };
}
