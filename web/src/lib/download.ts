/** Saves one execution's whole stored output (not just what the page shows) as a text file. */
import type { OrcaClient } from '../api/client.ts';

export async function downloadOutput(api: OrcaClient, runId: string, executionId: string, fileName: string) {
  const parts: string[] = [];
  let after = 0;
  for (;;) {
    const page = await api.runLog(runId, { execution: executionId, after, limit: 5000 });
    for (const e of page.events) {
      if (e.kind === 'stdout' || e.kind === 'stderr') parts.push(e.data);
      else if (e.kind === 'system') parts.push(`\n[orca] ${e.data}\n`);
      after = e.seq;
    }
    if (!page.more || page.events.length === 0) break;
  }
  const url = URL.createObjectURL(new Blob(parts, { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
