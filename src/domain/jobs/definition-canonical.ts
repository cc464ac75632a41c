/** A stable text of a normalised definition, so the same document applied twice is recognisably equal. */
import type { JobDefinition } from './types.ts';

/**
 * JSON with object keys sorted and unset fields left out. Lists keep their order: the order of
 * steps, parameters (the run form) and tags is part of the definition.
 */
export function canonicalDefinition(definition: JobDefinition): string {
  return JSON.stringify(sortKeys(definition));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
