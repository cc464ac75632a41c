/**
 * Projects scope what a user sees and runs: a member of project A cannot see, resolve, launch or
 * cancel B's hosts, jobs, runs and credentials, selectors never cross projects, the live stream
 * refuses B's runs, and rights are the lesser of the global role and the membership.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { ServerMessage } from '../src/http/stream-protocol.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { tokenFor } from './support/users.ts';

const DEFAULT = '00000000-0000-4000-8000-000000000001';
let app: TestApp;
let alpha: string;
let beta: string;
let alice: string; // operator in alpha only
let b: { credential: string; host: string; job: string; run: string };

async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return JSON.parse(text) as T;
}
const userId = async (name: string) =>
  (
    await app.database.handle.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', name)
      .executeTakeFirstOrThrow()
  ).id;

/** A user of `role` who is a member of exactly the projects given. */
async function member(
  name: string,
  role: 'operator' | 'viewer',
  projects: Record<string, 'operator' | 'viewer'>,
) {
  const token = await tokenFor(app, name, role);
  const id = await userId(name);
  assert.equal((await app.api(`/projects/${DEFAULT}/members/${id}`, { method: 'DELETE' })).status, 204);
  for (const [project, as] of Object.entries(projects)) {
    await json(
      await app.api(`/projects/${project}/members/${id}`, { method: 'PUT', body: { role: as } }),
      200,
    );
  }
  return token;
}

const JOB = (name: string, target: string) =>
  `name: ${name}\ntargets:\n  hosts: [${target}]\nsteps:\n  - name: run\n    type: exec\n    command: "true"\n`;

before(async () => {
  app = await startTestApp({ worker: false, env: { ORCA_SCHEDULER_INTERVAL_MS: '0' } });
  alpha = (await json<{ id: string }>(await app.api('/projects', { body: { name: 'alpha' } }), 201)).id;
  beta = (await json<{ id: string }>(await app.api('/projects', { body: { name: 'beta' } }), 201)).id;
  alice = await member('alice', 'operator', { [alpha]: 'operator' });
  // Beta's resources, made by an admin who names the project.
  const credential = (
    await json<{ id: string }>(
      await app.api('/credentials', {
        body: { name: 'beta-pw', kind: 'password', password: 'beta-secret', projectId: beta },
      }),
      201,
    )
  ).id;
  const host = (
    await json<{ id: string; projectId: string }>(
      await app.api('/hosts', {
        body: {
          name: 'beta-web',
          address: '127.0.0.1',
          port: 1,
          username: 'u',
          credentialId: credential,
          tags: ['web'],
          projectId: beta,
        },
      }),
      201,
    )
  ).id;
  const job = (
    await json<{ job: { id: string } }>(
      await app.api('/jobs', { body: { document: JOB('beta-job', 'beta-web'), projectId: beta } }),
      201,
    )
  ).job.id;
  const run = (
    await json<{ id: string; projectId: string }>(
      await app.api('/runs', {
        body: { command: 'true', targets: { hosts: ['beta-web'] }, projectId: beta },
      }),
      201,
    )
  ).id;
  b = { credential, host, job, run };
});
after(() => app?.stop());

test('a resource created without a project goes to the caller’s only project; admins default to default', async () => {
  const cred = await json<{ id: string; projectId: string }>(
    await app.api('/credentials', {
      token: alice,
      body: { name: 'alpha-pw', kind: 'password', password: 'alpha-secret' },
    }),
    201,
  );
  assert.equal(cred.projectId, alpha);
  const host = await json<{ projectId: string }>(
    await app.api('/hosts', {
      token: alice,
      body: {
        name: 'alpha-web',
        address: '127.0.0.1',
        port: 1,
        username: 'u',
        credentialId: cred.id,
        tags: ['web'],
      },
    }),
    201,
  );
  assert.equal(host.projectId, alpha);
  const mine = await json<{ projectId: string }>(
    await app.api('/groups', { body: { name: 'admins-group' } }),
    201,
  );
  assert.equal(mine.projectId, DEFAULT);
});

test('a member of alpha sees nothing of beta: lists, gets, selectors', async () => {
  const names = async (path: string) =>
    (await json<{ name: string }[]>(await app.api(path, { token: alice }), 200)).map((x) => x.name);
  assert.deepEqual(await names('/hosts'), ['alpha-web']);
  assert.deepEqual(await names('/hosts?selector=tag:web'), ['alpha-web']);
  assert.ok(!(await names('/credentials')).includes('beta-pw'));
  assert.ok(!(await names('/jobs')).includes('beta-job'));
  const runs = await json<{ id: string }[]>(await app.api('/runs', { token: alice }), 200);
  assert.ok(!runs.some((r) => r.id === b.run));
  for (const path of [
    `/hosts/${b.host}`,
    `/credentials/${b.credential}`,
    `/jobs/${b.job}`,
    `/jobs/${b.job}/versions`,
    `/runs/${b.run}`,
    `/runs/${b.run}/log`,
    `/projects/${beta}`,
  ]) {
    assert.equal((await app.api(path, { token: alice })).status, 404, path);
  }
  const resolved = await json<{ hosts: { name: string }[]; unmatched: string[] }>(
    await app.api('/hosts/resolve', { token: alice, body: { hosts: ['beta-web', 'alpha-web'] } }),
    200,
  );
  assert.deepEqual([resolved.hosts.map((h) => h.name), resolved.unmatched], [['alpha-web'], ['beta-web']]);
  const bySelector = await json<{ hosts: { name: string }[] }>(
    await app.api('/hosts/resolve', { token: alice, body: { selector: 'tag:web' } }),
    200,
  );
  assert.deepEqual(
    bySelector.hosts.map((h) => h.name),
    ['alpha-web'],
  );
  // Even an admin's filter shows one project at a time.
  const betaOnly = await json<{ name: string }[]>(await app.api(`/hosts?project=beta`), 200);
  assert.deepEqual(
    betaOnly.map((h) => h.name),
    ['beta-web'],
  );
});

test('a member of alpha cannot launch, cancel, retry or change beta’s things, nor target its hosts', async () => {
  const as = (path: string, init: { method?: string; body?: unknown } = {}) =>
    app.api(path, { ...init, token: alice });
  assert.equal((await as(`/jobs/${b.job}/runs`, { body: {} })).status, 404);
  assert.equal((await as(`/runs/${b.run}/cancel`, { method: 'POST' })).status, 404);
  assert.equal((await as(`/runs/${b.run}/retry`, { body: {} })).status, 404);
  assert.equal((await as(`/hosts/${b.host}`, { method: 'PATCH', body: { tags: ['x'] } })).status, 404);
  assert.equal((await as(`/hosts/${b.host}`, { method: 'DELETE' })).status, 404);
  assert.equal((await as(`/credentials/${b.credential}`, { method: 'DELETE' })).status, 404);
  const run = await as('/runs', { body: { command: 'id', targets: { hosts: ['beta-web'] } } });
  assert.equal(run.status, 400);
  assert.match(await run.text(), /beta-web/);
  // A selector that matches hosts in both projects runs on alpha's only.
  const mine = await json<{ id: string; projectId: string; executions: { hostName: string }[] }>(
    await as('/runs', { body: { command: 'id', targets: { selector: 'tag:web' } } }),
    201,
  );
  assert.deepEqual([mine.projectId, mine.executions.map((e) => e.hostName)], [alpha, ['alpha-web']]);
  // A job of alpha naming beta's host cannot reach it.
  const job = await json<{ job: { id: string; projectId: string } }>(
    await as('/jobs', { body: { document: JOB('alpha-job', 'beta-web') } }),
    201,
  );
  assert.equal(job.job.projectId, alpha);
  const launch = await as(`/jobs/${job.job.id}/runs`, { body: {} });
  assert.equal(launch.status, 400);
  assert.match(await launch.text(), /beta-web/);
  // Nor can a host of alpha use beta's credential.
  const host = await as('/hosts', {
    body: { name: 'alpha-2', address: '127.0.0.1', port: 1, username: 'u', credentialId: b.credential },
  });
  const err = await json<{ error: { details: { path: string }[] } }>(host, 400);
  assert.equal(err.error.details[0]?.path, 'body.credentialId');
  // Beta is not a project alice can name.
  const named = await as('/credentials', {
    body: { name: 'sneaky', kind: 'password', password: 'x-123456', projectId: beta },
  });
  assert.equal(
    (await json<{ error: { details: { path: string }[] } }>(named, 400)).error.details[0]?.path,
    'body.projectId',
  );
  // Cancel works on what is hers.
  assert.equal((await as(`/runs/${mine.id}/cancel`, { method: 'POST' })).status, 200);
});

test('the live stream refuses a run of another project as if it did not exist', async () => {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/api/v1/stream`, {
    headers: { authorization: `Bearer ${alice}` },
  });
  const messages: ServerMessage[] = [];
  ws.on('message', (raw) => messages.push(JSON.parse(String(raw)) as ServerMessage));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'subscribe', runId: b.run, after: {} }));
  const own = (await json<{ id: string }[]>(await app.api('/runs', { token: alice }), 200))[0]?.id ?? '';
  ws.send(JSON.stringify({ type: 'subscribe', runId: own, after: {} }));
  const deadline = Date.now() + 30_000;
  while (!messages.some((m) => m.type === 'run') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  ws.close();
  const error = messages.find((m) => m.type === 'error');
  assert.ok(error && error.type === 'error' && error.message.includes(`run ${b.run} does not exist`));
  assert.ok(!messages.some((m) => m.type === 'run' && m.run.id === b.run), 'no snapshot of beta’s run');
  assert.ok(
    messages.some((m) => m.type === 'run' && m.run.id === own),
    'her own run streams',
  );
});

test('rights are the lesser of the global role and the membership; several projects need a choice', async () => {
  const dave = await member('dave', 'operator', { [alpha]: 'viewer' });
  const hosts = await json<{ id: string; name: string }[]>(await app.api('/hosts', { token: dave }), 200);
  assert.deepEqual(
    hosts.map((h) => h.name),
    ['alpha-2', 'alpha-web'].filter((n) => hosts.some((h) => h.name === n)),
  );
  const target = hosts.find((h) => h.name === 'alpha-web')?.id ?? '';
  const patch = await app.api(`/hosts/${target}`, { method: 'PATCH', token: dave, body: { tags: ['x'] } });
  assert.equal(patch.status, 403, 'a viewer member may look, not change');
  const create = await app.api('/credentials', {
    token: dave,
    body: { name: 'dave-pw', kind: 'password', password: 'x-123456' },
  });
  assert.equal(create.status, 403);

  const carol = await member('carol', 'operator', { [alpha]: 'operator', [beta]: 'operator' });
  const ambiguous = await app.api('/credentials', {
    token: carol,
    body: { name: 'carol-pw', kind: 'password', password: 'x-123456' },
  });
  const body = await json<{ error: { message: string; details: { path: string }[] } }>(ambiguous, 400);
  assert.equal(body.error.details[0]?.path, 'body.projectId');
  assert.match(body.error.message, /alpha, beta/);
  const viewerOnly = await tokenFor(app, 'erin', 'viewer');
  const list = await json<{ name: string }[]>(await app.api('/projects', { token: viewerOnly }), 200);
  assert.deepEqual(
    list.map((p) => p.name),
    ['default'],
  );
});

test('a project holding resources cannot be deleted; an empty one can; the default never', async () => {
  const held = await app.api(`/projects/${beta}`, { method: 'DELETE' });
  assert.equal(held.status, 409);
  assert.match(await held.text(), /1 hosts/);
  const empty = (await json<{ id: string }>(await app.api('/projects', { body: { name: 'empty' } }), 201)).id;
  assert.equal((await app.api(`/projects/${empty}`, { method: 'DELETE' })).status, 204);
  assert.equal((await app.api(`/projects/${DEFAULT}`, { method: 'DELETE' })).status, 409);
  assert.equal((await app.api('/projects', { token: alice, body: { name: 'mine' } })).status, 403);
});
