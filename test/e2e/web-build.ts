/** Builds the web UI into a directory of its own, so a browser test always sees the current source. */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const CONFIG = fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url));

export async function buildWeb(outDir: string): Promise<void> {
  await build({
    configFile: CONFIG,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
}
