/** Jobs through the API, for tests: create from YAML, launch, wait, read step results and output. */
import { startTestApp, type TestApp } from './app.ts';
import { addHost, addPasswordCredential, registerSshd } from './fleet.ts';
import { type SshdHandle, startSshd } from './sshd.ts';

export interface StepResultView {
  index: number;
  id: string;
  status: string;
  attempts: number;
  exitCode: number | null;
  failureKind: string | null;
  failureMessage: string | null;
  tolerated: boolean;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobRunView {
  id: string;
  status: string;
  kind: string;
  job: { id: string; name: string; version: number } | null;
  retryOf: string | null;
  retryMode: string | null;
  parameters: Record<string, unknown>;
  counts: Record<string, number>;
  steps: { index: number; id: string; name: string; type: string }[];
  artifacts: { id: string; name: string; size: number; sha256: string | null; hostName: string }[];
  executions: {
    id: string;
    hostName: string;
    status: string;
    batch: number;
    exitCode: number | null;
    failureKind: string | null;
    failureMessage: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    steps: StepResultView[];
  }[];
}

export async function createJob(app: TestApp, document: string): Promise<{ id: string; version: number }> {
  const res = await app.api('/jobs', { body: { document } });
  if (res.status !== 201) throw new Error(`create job: ${res.status} ${await res.text()}`);
  const saved = (await res.json()) as { job: { id: string }; version: number };
  return { id: saved.job.id, version: saved.version };
}

export async function launch(
  app: TestApp,
  jobId: string,
  body: { parameters?: Record<string, unknown>; targets?: { hosts?: string[] }; version?: number },
): Promise<JobRunView> {
  const res = await app.api(`/jobs/${jobId}/runs`, { body });
  if (res.status !== 201) throw new Error(`launch: ${res.status} ${await res.text()}`);
  return (await res.json()) as JobRunView;
}

export async function waitForJobRun(app: TestApp, id: string, timeoutMs = 60_000): Promise<JobRunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await (await app.api(`/runs/${id}`)).json()) as JobRunView;
    if (['succeeded', 'failed', 'canceled'].includes(run.status)) return run;
    if (Date.now() > deadline)
      throw new Error(`run ${id} still ${run.status}: ${JSON.stringify(run.executions)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface LogEventView {
  seq: number;
  kind: string;
  data: string;
  step: number | null;
}

export async function events(app: TestApp, runId: string, executionId: string): Promise<LogEventView[]> {
  let after = 0;
  const out: LogEventView[] = [];
  for (;;) {
    const res = await app.api(`/runs/${runId}/log?execution=${executionId}&after=${after}&limit=5000`);
    const page = (await res.json()) as { events: LogEventView[]; more: boolean };
    out.push(...page.events);
    after = page.events.at(-1)?.seq ?? after;
    if (!page.more) return out;
  }
}

/** The stdout a step printed on one host. */
export async function stepOutput(
  app: TestApp,
  runId: string,
  executionId: string,
  step: number,
): Promise<string> {
  return (await events(app, runId, executionId))
    .filter((e) => e.kind === 'stdout' && e.step === step)
    .map((e) => e.data)
    .join('');
}

export const byHost = <T extends { hostName: string }>(list: readonly T[]) =>
  Object.fromEntries(list.map((e) => [e.hostName, e])) as Record<string, T>;

export interface JobFleet {
  readonly app: TestApp;
  readonly sshdA: SshdHandle;
  readonly sshdB: SshdHandle;
  stop(): Promise<void>;
}

/**
 * A server with a worker and two sshd hosts, `web-1` and `web-2`, plus `bad-1`: web-1's sshd with
 * a wrong password, a host that always fails (auth).
 */
export async function startJobFleet(): Promise<JobFleet> {
  const [app, sshdA, sshdB] = await Promise.all([
    startTestApp({ env: { ORCA_CONNECT_TIMEOUT_MS: '3000' } }),
    startSshd(),
    startSshd(),
  ]);
  await registerSshd(app, sshdA, 'web-1');
  await registerSshd(app, sshdB, 'web-2');
  const wrong = await addPasswordCredential(app, 'wrong-pw', 'definitely-wrong');
  await addHost(app, { name: 'bad-1', port: sshdA.port, username: sshdA.user, credentialId: wrong });
  return {
    app,
    sshdA,
    sshdB,
    async stop() {
      await app.stop();
      await Promise.all([sshdA.stop(), sshdB.stop()]);
    },
  };
}
