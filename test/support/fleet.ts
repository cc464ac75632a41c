/** Registers real sshd hosts in a test app through the API, as a user would. */

import type { TestApp } from './app.ts';
import type { SshdHandle } from './sshd.ts';

/** Anything with the API client of a test app (an in-process app, or orca child processes). */
export type ApiClient = Pick<TestApp, 'api'>;

export interface RegisteredHost {
  readonly id: string;
  readonly name: string;
}

export async function addPasswordCredential(app: ApiClient, name: string, password: string): Promise<string> {
  const res = await app.api('/credentials', { body: { name, kind: 'password', password } });
  if (res.status !== 201) throw new Error(`credential: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function addHost(
  app: ApiClient,
  h: { name: string; port: number; username: string; credentialId: string; address?: string },
): Promise<RegisteredHost> {
  const res = await app.api('/hosts', {
    body: {
      name: h.name,
      address: h.address ?? '127.0.0.1',
      port: h.port,
      username: h.username,
      credentialId: h.credentialId,
    },
  });
  if (res.status !== 201) throw new Error(`host: ${res.status} ${await res.text()}`);
  return (await res.json()) as RegisteredHost;
}

export async function registerSshd(app: ApiClient, sshd: SshdHandle, name: string): Promise<RegisteredHost> {
  const credentialId = await addPasswordCredential(app, `${name}-pw`, sshd.password);
  return addHost(app, { name, port: sshd.port, username: sshd.user, credentialId });
}

export interface RunView {
  id: string;
  status: string;
  executions: {
    id: string;
    hostName: string;
    status: string;
    exitCode: number | null;
    failureKind: string | null;
    failureMessage: string | null;
    outputBytes: number;
    truncatedBytes: number;
    finishedAt: string | null;
  }[];
}

export async function startRun(
  app: ApiClient,
  command: string,
  hosts: string[],
  timeoutSeconds?: number,
): Promise<RunView> {
  const res = await app.api('/runs', {
    body: { command, targets: { hosts }, ...(timeoutSeconds && { timeoutSeconds }) },
  });
  if (res.status !== 201) throw new Error(`run: ${res.status} ${await res.text()}`);
  return (await res.json()) as RunView;
}

export async function waitForRun(app: ApiClient, id: string, timeoutMs = 60_000): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await (await app.api(`/runs/${id}`)).json()) as RunView;
    if (['succeeded', 'failed', 'canceled'].includes(run.status)) return run;
    if (Date.now() > deadline)
      throw new Error(`run ${id} still ${run.status}: ${JSON.stringify(run.executions)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The stored stdout of one execution, from the log API. */
export async function output(
  app: ApiClient,
  runId: string,
  executionId: string,
  kind = 'stdout',
): Promise<string> {
  let after = 0;
  let text = '';
  for (;;) {
    const res = await app.api(`/runs/${runId}/log?execution=${executionId}&after=${after}&limit=5000`);
    const page = (await res.json()) as {
      events: { seq: number; kind: string; data: string }[];
      more: boolean;
    };
    for (const e of page.events) {
      if (e.kind === kind) text += e.data;
      after = e.seq;
    }
    if (!page.more) return text;
  }
}
