// Test-only: locates /work/shared/winrm-fixtures, which CI places beside the repository clone.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the NTLM tests');
    dir = parent;
  }
  return dir;
}

export const FIXTURES = join(repoRoot(), '..', 'shared', 'winrm-fixtures');

export function fixtureBytes(path: string): Buffer {
  return readFileSync(join(FIXTURES, path));
}

export function fixtureJson(path: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
}

/** The MS-NLMP 4.2.4 example values, all hex except the names. */
export interface NlmpVectors {
  inputs: Record<string, string>;
  outputs: Record<string, string>;
}

export function nlmpVectors(): NlmpVectors {
  return fixtureJson('generated/ms-nlmp-ntlmv2-test-vectors.json') as NlmpVectors;
}

export const hex = (s: string): Buffer => Buffer.from(s, 'hex');
