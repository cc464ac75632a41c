/**
 * Inbound webhook triggers end to end: created through the API, called like a CI system or
 * GitHub would (token header, query token, HMAC signature), launching real runs on a real sshd.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { registerSshd } from './support/fleet.ts';
import { createJob, stepOutput, waitForJobRun } from './support/jobs.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;
let jobId: string;

interface TriggerView {
  id: string;
  name: string;
  url: string;
  tokenPrefix: string;
  mapping: Record<string, string>;
  lastUsedAt: string | null;
}

before(async () => {
  [app, sshd] = await Promise.all([startTestApp(), startSshd()]);
  await registerSshd(app, sshd, 'web-1');
  jobId = (
    await createJob(
      app,
      `name: deploy
parameters:
  version: { type: string, required: true, pattern: 'v[0-9]+\\.[0-9]+' }
  env: { type: enum, enum: [staging, production], default: staging }
  replicas: { type: integer, minimum: 1, maximum: 10, default: 1 }
targets: { hosts: [web-1] }
steps:
  - { name: Say, type: exec, command: 'echo deploying \${{ parameters.version }} to \${{ parameters.env }} x\${{ parameters.replicas }}' }
`,
    )
  ).id;
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
});

async function createTrigger(
  body: Record<string, unknown>,
): Promise<{ trigger: TriggerView; token: string }> {
  const res = await app.api(`/jobs/${jobId}/triggers`, { body });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text) as { trigger: TriggerView; token: string };
}

/** Calls a hook as an outside system does: no session, no API token. */
async function call(
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const hookPath = (t: TriggerView) => new URL(t.url).pathname;

async function runCount(): Promise<number> {
  return ((await (await app.api(`/runs?job=${jobId}`)).json()) as unknown[]).length;
}

test('a token in the header launches a run with values mapped from the request body', async () => {
  const { trigger, token } = await createTrigger({
    name: 'ci',
    mapping: { version: 'release.tag', replicas: 'scale[0].n' },
    values: { env: 'production' },
  });
  assert.match(trigger.url, new RegExp(`/api/v1/hooks/${trigger.id}$`));
  assert.ok(token.startsWith(trigger.tokenPrefix));
  const listed = await (await app.api(`/jobs/${jobId}/triggers`)).text();
  assert.ok(!listed.includes(token), 'the token is shown once, at creation');

  const body = JSON.stringify({
    release: { tag: 'v2.4', notes: '$(rm -rf /)' },
    scale: [{ n: 3 }],
    ignored: true,
  });
  const r = await call(hookPath(trigger), body, { 'x-orca-token': token });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const run = await waitForJobRun(app, r.json.runId as string);
  assert.equal(run.status, 'succeeded');
  assert.deepEqual(run.parameters, { version: 'v2.4', env: 'production', replicas: 3 });
  assert.equal(
    (await stepOutput(app, run.id, run.executions[0]!.id, 0)).trim(),
    'deploying v2.4 to production x3',
  );
  const log = (await (await app.api(`/jobs/${jobId}/triggers/${trigger.id}/invocations`)).json()) as {
    status: number;
    runId: string | null;
  }[];
  assert.deepEqual(
    log.map((l) => [l.status, l.runId]),
    [[201, run.id]],
  );
});

test('a GitHub-style HMAC signature of the body is accepted; a wrong one, a wrong token or none is not', async () => {
  const { trigger, token } = await createTrigger({ name: 'github', mapping: { version: 'tag' } });
  const path = hookPath(trigger);
  const body = JSON.stringify({ tag: 'v3.1' });
  const signature = `sha256=${createHmac('sha256', token).update(body).digest('hex')}`;
  const before = await runCount();

  const wrong: Record<string, string>[] = [
    { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
    { 'x-orca-signature': `sha256=${createHmac('sha256', token).update(`${body} `).digest('hex')}` },
    { 'x-orca-token': `${token}x` },
    {},
  ];
  for (const headers of wrong) {
    const r = await call(path, body, headers);
    assert.equal(r.status, 401, JSON.stringify(headers));
  }
  assert.equal(await runCount(), before, 'no refused call created a run');

  const ok = await call(path, body, { 'x-hub-signature-256': signature });
  assert.equal(ok.status, 201, JSON.stringify(ok.json));
  assert.equal((await waitForJobRun(app, ok.json.runId as string)).status, 'succeeded');
  const viaQuery = await call(`${path}?token=${encodeURIComponent(token)}`, body);
  assert.equal(viaQuery.status, 201, 'a sender that can only set a URL passes the token in it');
  const statuses = (
    (await (await app.api(`/jobs/${jobId}/triggers/${trigger.id}/invocations`)).json()) as {
      status: number;
    }[]
  ).map((l) => l.status);
  assert.deepEqual(statuses, [201, 201, 401, 401, 401, 401]);
});

test('values that fail validation are a 400 naming the parameter, and no run is created', async () => {
  const { trigger, token } = await createTrigger({
    name: 'strict',
    mapping: { version: 'v', replicas: 'n' },
  });
  const before = await runCount();
  const cases: [unknown, string][] = [
    [{ v: 'latest' }, 'parameters.version'],
    [{ v: 'v1.0', n: 99 }, 'parameters.replicas'],
    [{ v: 'v1.0', n: '3' }, 'parameters.replicas'],
    [{}, 'parameters.version'],
  ];
  for (const [payload, path] of cases) {
    const r = await call(hookPath(trigger), JSON.stringify(payload), { 'x-orca-token': token });
    assert.equal(r.status, 400, JSON.stringify(payload));
    const details = (r.json.error as { details: { path: string }[] }).details;
    assert.ok(
      details.some((d) => d.path === path),
      `${JSON.stringify(payload)}: ${JSON.stringify(details)}`,
    );
  }
  const notJson = await call(hookPath(trigger), '{"v": ', { 'x-orca-token': token });
  assert.equal(notJson.status, 400);
  const array = await call(hookPath(trigger), '[1]', { 'x-orca-token': token });
  assert.equal(array.status, 400);
  assert.equal(await runCount(), before);
});

test('a revoked trigger stops at once; bad trigger definitions are refused with the field named', async () => {
  const { trigger, token } = await createTrigger({ name: 'temp', values: { version: 'v1.0' } });
  assert.equal((await call(hookPath(trigger), '{}', { 'x-orca-token': token })).status, 201);
  const del = await app.api(`/jobs/${jobId}/triggers/${trigger.id}`, { method: 'DELETE' });
  assert.equal(del.status, 204);
  assert.equal((await call(hookPath(trigger), '{}', { 'x-orca-token': token })).status, 401);

  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'x', mapping: { nope: 'a' } }, 'body.mapping.nope'],
    [{ name: 'x', mapping: { version: 'a..b' } }, 'body.mapping.version'],
    [{ name: 'x', values: { replicas: 50 } }, 'body.values.replicas'],
    [{ name: 'x', values: { env: 'qa' } }, 'body.values.env'],
    [{ name: 'x', targets: { hosts: ['no-such-host'] } }, 'body.targets.hosts'],
    [{ name: 'x', version: 9 }, 'body.version'],
    [{ name: 'bad name!' }, 'body.name'],
    [{ name: 'ci' }, ''],
  ];
  for (const [body, path] of cases) {
    const res = await app.api(`/jobs/${jobId}/triggers`, { body });
    const json = (await res.json()) as { error: { details: { path: string }[] } };
    if (path === '') {
      assert.equal(res.status, 409, 'the name is taken');
      continue;
    }
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.ok(
      json.error.details.some((d) => d.path.startsWith(path)),
      `${JSON.stringify(body)}: ${JSON.stringify(json.error.details)}`,
    );
  }
});

test('the runs a trigger starts take its priority', async () => {
  const { trigger, token } = await createTrigger({
    name: 'nightly',
    values: { env: 'staging', version: 'v1.0' },
    priority: -20,
  });
  assert.equal((trigger as unknown as { priority: number }).priority, -20);
  const r = await call(hookPath(trigger), '{}', { 'x-orca-token': token });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const run = (await (await app.api(`/runs/${r.json.runId as string}`)).json()) as { priority: number };
  assert.equal(run.priority, -20);
  await waitForJobRun(app, r.json.runId as string);
});
