/** Writes docs/job-schema.json from the TypeBox schema: `npx tsx scripts/job-schema.ts`. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jobSchemaJson } from '../src/domain/jobs/definition-schema.ts';

const target = fileURLToPath(new URL('../docs/job-schema.json', import.meta.url));
writeFileSync(target, jobSchemaJson());
// The project's formatter has the last word on layout; the unit test compares content.
execFileSync('npx', ['biome', 'format', '--write', target], { stdio: 'inherit' });
console.log(`wrote ${target}`);
