#!/usr/bin/env node
// Runs the TypeScript entry point through tsx.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const entry = new URL('../src/main.ts', import.meta.url).pathname;
const result = spawnSync(
  process.execPath,
  ['--import', require.resolve('tsx'), entry, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
