/**
 * Inventory through the API on real sshd hosts: tags, labels, nested groups, selectors (the same
 * answer as the pure evaluator), bulk operations, and runs launched with a selector.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ancestorsOf } from '../src/domain/groups.ts';
import { type SelectableHost, selectHosts } from '../src/domain/selectors.ts';
import type { TestApp } from './support/app.ts';
import { addPasswordCredential, waitForRun } from './support/fleet.ts';
import { createJob, type JobFleet, launch, startJobFleet, waitForJobRun } from './support/jobs.ts';
import { tokenFor } from './support/users.ts';

let fleet: JobFleet;
let app: TestApp;
let credentialId: string;

interface HostView {
  id: string;
  name: string;
  os: 'linux' | 'windows';
  transport: 'ssh' | 'winrm';
  tags: string[];
  labels: Record<string, string>;
  groups: string[];
}
interface GroupView {
  id: string;
  name: string;
  hosts: string[];
  children: string[];
  parents: string[];
}
interface ErrorView {
  error: { code: string; message: string; details: { path: string; message: string }[] };
}

async function call<T>(path: string, body?: unknown, method?: string): Promise<{ status: number; body: T }> {
  const res = await app.api(path, { body, method });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
async function ok<T>(path: string, body?: unknown, method?: string): Promise<T> {
  const r = await call<T>(path, body, method);
  assert.ok(
    r.status < 300,
    `${method ?? (body ? 'POST' : 'GET')} ${path}: ${r.status} ${JSON.stringify(r.body)}`,
  );
  return r.body;
}
const hostsNamed = async () =>
  Object.fromEntries((await ok<HostView[]>('/hosts')).map((h) => [h.name, h])) as Record<string, HostView>;
const groupId = async (name: string) =>
  (await ok<GroupView[]>('/groups')).find((g) => g.name === name)?.id ?? assert.fail(`no group ${name}`);

function addHost(name: string, extra: Record<string, unknown> = {}) {
  return ok<HostView>('/hosts', {
    name,
    address: '127.0.0.1',
    port: fleet.sshdA.port,
    username: fleet.sshdA.user,
    credentialId,
    ...extra,
  });
}

before(async () => {
  fleet = await startJobFleet();
  ({ app } = fleet);
  credentialId = await addPasswordCredential(app, 'inv-pw', fleet.sshdA.password);
  await ok('/groups', { name: 'all' });
  await ok('/groups', { name: 'eu' });
  await ok('/groups', { name: 'eu-web', hosts: ['web-1'] });
  await ok('/groups', { name: 'us' });
  await ok(`/groups/${await groupId('all')}`, { children: ['eu', 'us'] }, 'PATCH');
  await ok(`/groups/${await groupId('eu')}`, { children: ['eu-web'] }, 'PATCH');
  const byName = await hostsNamed();
  await ok(`/hosts/${byName['web-1']?.id}`, { tags: ['web', 'nginx'], labels: { env: 'prod' } }, 'PATCH');
  await ok(
    `/hosts/${byName['web-2']?.id}`,
    { tags: ['web'], labels: { env: 'staging' }, groups: ['us'] },
    'PATCH',
  );
  await addHost('db-1', { tags: ['db'], labels: { env: 'prod', 'k8s.io/zone': 'eu west' }, groups: ['eu'] });
  await addHost('db-2', { tags: ['db', 'legacy'] });
});
after(() => fleet?.stop());

test('a host carries tags, labels and the groups it is directly in; bad ones are refused naming the field', async () => {
  const h = await addHost('tagged-1', {
    tags: ['a', 'b:c', 'a'],
    labels: { 'team/x': 'one two' },
    groups: ['us'],
  });
  assert.deepEqual(h.tags, ['a', 'b:c'], 'each tag once');
  assert.deepEqual(h.labels, { 'team/x': 'one two' });
  assert.deepEqual(h.groups, ['us']);
  const changed = await ok<HostView>(`/hosts/${h.id}`, { tags: ['z'], groups: ['eu', 'all'] }, 'PATCH');
  assert.deepEqual(changed.tags, ['z']);
  assert.deepEqual(changed.labels, { 'team/x': 'one two' }, 'labels not given stay');
  assert.deepEqual(changed.groups, ['all', 'eu']);

  const cases: [Record<string, unknown>, string][] = [
    [{ tags: ['ok', 'not ok'] }, 'body.tags[1]'],
    [{ tags: ['x'.repeat(65)] }, 'body.tags[0]'],
    [{ labels: { 'bad key': 'v' } }, 'body.labels.bad key'],
    [{ labels: { k: 'v'.repeat(257) } }, 'body.labels.k'],
    [{ groups: ['us', 'nope'] }, 'body.groups[1]'],
  ];
  for (const [patch, path] of cases) {
    const r = await call<ErrorView>(`/hosts/${h.id}`, { tags: ['changed'], ...patch }, 'PATCH');
    assert.equal(r.status, 400, JSON.stringify(patch));
    assert.ok(
      r.body.error.details.some((d) => d.path === path),
      `${path} not named in ${JSON.stringify(r.body)}`,
    );
  }
  assert.deepEqual((await ok<HostView>(`/hosts/${h.id}`)).tags, ['z'], 'refused changes change nothing');
  const refused = await call<ErrorView>('/hosts', {
    name: 'never-made',
    address: 'x',
    username: 'u',
    credentialId,
    groups: ['nope'],
  });
  assert.equal(refused.status, 400);
  assert.ok(!(await hostsNamed())['never-made']);
  await ok(`/hosts/${h.id}`, undefined, 'DELETE');
});

test('groups nest; a host is in every ancestor of its groups; cycles are refused naming the groups', async () => {
  const groups = Object.fromEntries((await ok<GroupView[]>('/groups')).map((g) => [g.name, g]));
  assert.deepEqual(groups.all?.children, ['eu', 'us']);
  assert.deepEqual(groups['eu-web']?.parents, ['eu']);
  assert.deepEqual(groups['eu-web']?.hosts, ['web-1']);

  const resolve = (selector: string) =>
    ok<{ hosts: { name: string }[] }>('/hosts/resolve', { selector }).then((r) => r.hosts.map((h) => h.name));
  assert.deepEqual(await resolve('group:all'), ['db-1', 'web-1', 'web-2']);
  assert.deepEqual(await resolve('group:eu'), ['db-1', 'web-1']);

  const cycle = await call<ErrorView>(`/groups/${groups['eu-web']?.id}`, { children: ['all'] }, 'PATCH');
  assert.equal(cycle.status, 409);
  assert.match(cycle.body.error.message, /group eu-web cannot contain all: all > eu > eu-web/);
  const self = await call<ErrorView>(`/groups/${groups.us?.id}`, { children: ['us'] }, 'PATCH');
  assert.equal(self.status, 409);
  assert.match(self.body.error.message, /group us cannot contain itself/);
  assert.deepEqual((await ok<GroupView>(`/groups/${groups['eu-web']?.id}`)).children, [], 'nothing changed');

  const dup = await call<ErrorView>('/groups', { name: 'eu' });
  assert.equal(dup.status, 409);
  const unknown = await call<ErrorView>('/groups', { name: 'new', children: ['eu', 'zz'] });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.details[0]?.path, 'body.children[1]');

  // A deleted group takes its nesting and membership with it; hosts stay.
  const tmp = await ok<GroupView>('/groups', { name: 'tmp', children: ['us'], hosts: ['db-2'] });
  assert.deepEqual(await resolve('group:tmp'), ['db-2', 'web-2']);
  await ok(`/groups/${tmp.id}`, undefined, 'DELETE');
  assert.deepEqual((await hostsNamed())['db-2']?.groups, []);
  assert.equal((await call(`/groups/${tmp.id}`)).status, 404);
});

test('every selector resolves through the API exactly as the pure evaluator resolves it', async () => {
  const hosts = await ok<HostView[]>('/hosts');
  const groups = await ok<GroupView[]>('/groups');
  const idOf = new Map(groups.map((g) => [g.name, g.id]));
  const nameOf = new Map(groups.map((g) => [g.id, g.name]));
  const edges = groups.flatMap((g) => g.children.map((c) => ({ parentId: g.id, childId: idOf.get(c) ?? c })));
  const selectable: (SelectableHost & { id: string })[] = hosts.map((h) => {
    const direct = h.groups.map((g) => idOf.get(g) ?? g);
    const all = new Set([...direct, ...ancestorsOf(edges, direct)]);
    return { ...h, groups: [...all].map((id) => nameOf.get(id) ?? id) };
  });
  for (const selector of [
    'web-*',
    'tag:web and env=prod',
    'tag:db or tag:web and env=staging',
    'not tag:web',
    'env!=prod',
    'k8s.io/zone="eu west"',
    'group:eu and not tag:db',
    'group:all, bad-?',
    '(tag:db or group:us) and transport:ssh and os:linux',
  ]) {
    const expected = selectHosts(selectable, selector)
      .map((h) => h.name)
      .sort();
    assert.ok(expected.length > 0, selector);
    const resolved = await ok<{ hosts: { name: string }[] }>('/hosts/resolve', { selector });
    assert.deepEqual(resolved.hosts.map((h) => h.name).sort(), expected, `resolve ${selector}`);
    const listed = await ok<HostView[]>(`/hosts?selector=${encodeURIComponent(selector)}`);
    assert.deepEqual(listed.map((h) => h.name).sort(), expected, `list ${selector}`);
  }
  const bad = await call<ErrorView>('/hosts/resolve', { selector: 'tag:web and' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.details[0]?.path, 'body.selector');
  assert.equal(bad.body.error.details[0]?.message, 'at 12: expected a term after "and"');
  const badList = await call<ErrorView>(`/hosts?selector=${encodeURIComponent('(web-1')}`);
  assert.equal(badList.status, 400);
  assert.equal(badList.body.error.details[0]?.path, 'querystring.selector');
  const none = await call<ErrorView>('/hosts/resolve', { selector: 'tag:nothing-has-this' });
  assert.equal(none.status, 400);
  assert.match(none.body.error.message, /^body\.selector: no host matches/);
  const union = await ok<{ hosts: { name: string }[]; unmatched: string[] }>('/hosts/resolve', {
    hosts: ['db-2', 'web-1', 'nope'],
    selector: 'tag:web',
  });
  assert.deepEqual(
    union.hosts.map((h) => h.name),
    ['db-2', 'web-1', 'web-2'],
  );
  assert.deepEqual(union.unmatched, ['nope']);
});

test('bulk tag and untag change every picked host or none', async () => {
  const tagged = await ok<{ hosts: { name: string }[] }>('/hosts/bulk', {
    action: 'tag',
    tags: ['patch', 'web'],
    selector: 'group:eu',
  });
  assert.deepEqual(tagged.hosts.map((h) => h.name).sort(), ['db-1', 'web-1']);
  let byName = await hostsNamed();
  assert.deepEqual(byName['web-1']?.tags, ['web', 'nginx', 'patch']);
  assert.deepEqual(byName['db-1']?.tags, ['db', 'patch', 'web']);

  const before = JSON.stringify(Object.values(byName).map((h) => [h.name, h.tags]));
  const refusals: [Record<string, unknown>, string][] = [
    [{ action: 'tag', tags: ['x'], hosts: ['web-1', 'no-such'] }, 'body.hosts'],
    [{ action: 'tag', tags: ['x', 'bad tag'], hosts: ['web-1'] }, 'body.tags[1]'],
    [{ action: 'tag', hosts: ['web-1'] }, 'body.tags'],
    [{ action: 'untag', tags: ['web'], selector: 'tag:' }, 'body.selector'],
    [{ action: 'delete', selector: 'tag:no-such-tag' }, 'body.selector'],
    [{ action: 'delete' }, 'body.hosts'],
  ];
  for (const [body, path] of refusals) {
    const r = await call<ErrorView>('/hosts/bulk', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.ok(
      r.body.error.details.some((d) => d.path === path),
      `${path} not named in ${JSON.stringify(r.body)}`,
    );
  }
  byName = await hostsNamed();
  assert.equal(JSON.stringify(Object.values(byName).map((h) => [h.name, h.tags])), before, 'nothing changed');

  await ok('/hosts/bulk', { action: 'untag', tags: ['patch', 'nginx'], hosts: ['web-*', 'db-1'] });
  byName = await hostsNamed();
  assert.deepEqual(byName['web-1']?.tags, ['web']);
  assert.deepEqual(byName['db-1']?.tags, ['db', 'web']);
  await ok('/hosts/bulk', { action: 'untag', tags: ['web'], hosts: ['db-1'] });

  await ok('/hosts/bulk', { action: 'delete', hosts: ['db-2'] });
  assert.ok(!(await hostsNamed())['db-2']);
  await addHost('db-2', { tags: ['db', 'legacy'] });
});

test('viewers read hosts, groups and selectors but change nothing; the OpenAPI document lists the routes', async () => {
  const _db = app.database.handle.db;
  const token = await tokenFor(app, 'vic', 'viewer');
  assert.equal((await app.api('/groups', { token })).status, 200);
  assert.equal((await app.api('/hosts?selector=tag:web', { token })).status, 200);
  assert.equal((await app.api('/hosts/resolve', { token, body: { selector: 'tag:web' } })).status, 200);
  const eu = await groupId('eu');
  for (const [method, path, body] of [
    ['POST', '/hosts/bulk', { action: 'tag', tags: ['x'], selector: 'tag:web' }],
    ['POST', '/hosts/bulk', { action: 'delete', selector: 'tag:web' }],
    ['POST', '/groups', { name: 'nope' }],
    ['PATCH', `/groups/${eu}`, { description: 'x' }],
    ['DELETE', `/groups/${eu}`, undefined],
  ] as const) {
    assert.equal((await app.api(path, { method, body, token })).status, 403, `${method} ${path}`);
  }
  assert.deepEqual((await hostsNamed())['web-1']?.tags, ['web'], 'nothing changed');
  const openapi = (await (await app.api('/openapi.json', { token: null })).json()) as { paths: object };
  for (const path of ['/api/v1/groups', '/api/v1/groups/{id}', '/api/v1/hosts/bulk']) {
    assert.ok(path in openapi.paths, path);
  }
});

test('bulk test checks each host and reports each result', async () => {
  const r = await ok<{
    checks: {
      hostName: string;
      checkId: string;
      result: { ok: boolean; failureKind: string | null } | null;
    }[];
  }>('/hosts/bulk', { action: 'test', hosts: ['web-1', 'bad-1'] });
  const by = Object.fromEntries(r.checks.map((c) => [c.hostName, c]));
  assert.equal(r.checks.length, 2);
  assert.equal(by['web-1']?.result?.ok, true);
  assert.equal(by['bad-1']?.result?.ok, false);
  assert.equal(by['bad-1']?.result?.failureKind, 'auth');
  const hosts = (await ok<(HostView & { lastCheck: { ok: boolean } | null })[]>('/hosts')).filter((h) =>
    ['web-1', 'bad-1'].includes(h.name),
  );
  assert.deepEqual(
    hosts.map((h) => [h.name, h.lastCheck?.ok]),
    [
      ['bad-1', false],
      ['web-1', true],
    ],
    'the list shows each result as the last check',
  );
});

test('a job launched with a selector runs on exactly the selected hosts; ad-hoc runs take selectors too', async () => {
  const job = await createJob(app, 'name: Who\nsteps:\n  - { name: Hi, type: exec, command: echo hi }\n');
  const run = await launch(app, job.id, { targets: { selector: 'tag:web and not group:eu-web' } as never });
  const done = await waitForJobRun(app, run.id);
  assert.equal(done.status, 'succeeded');
  assert.deepEqual(
    done.executions.map((e) => e.hostName),
    ['web-2'],
  );
  const both = await launch(app, job.id, { targets: { hosts: ['web-1'], selector: 'env=staging' } as never });
  assert.deepEqual((await waitForJobRun(app, both.id)).executions.map((e) => e.hostName).sort(), [
    'web-1',
    'web-2',
  ]);
  const nothing = await call<ErrorView>(`/jobs/${job.id}/runs`, { targets: { selector: 'env=nowhere' } });
  assert.equal(nothing.status, 400);
  assert.equal(nothing.body.error.details[0]?.path, 'body.targets.selector');
  const badSyntax = await call<ErrorView>(`/jobs/${job.id}/runs`, { targets: { selector: 'env=' } });
  assert.equal(badSyntax.body.error.details[0]?.path, 'body.targets.selector');

  const adhoc = await ok<{ id: string }>('/runs', {
    command: 'echo adhoc',
    targets: { selector: 'group:eu-web' },
  });
  const adhocDone = await waitForRun(app, adhoc.id);
  assert.deepEqual(
    adhocDone.executions.map((e) => e.hostName),
    ['web-1'],
  );
  const adhocBad = await call<ErrorView>('/runs', { command: 'true', targets: { selector: 'not' } });
  assert.equal(adhocBad.status, 400);
  assert.equal(adhocBad.body.error.details[0]?.path, 'body.targets.selector');
});

test('deleting hosts in bulk while a run uses one keeps the run and its history', async () => {
  await ok('/hosts', {
    name: 'web-3',
    address: '127.0.0.1',
    port: fleet.sshdB.port,
    username: fleet.sshdB.user,
    credentialId: await addPasswordCredential(app, 'web-3-pw', fleet.sshdB.password),
    tags: ['doomed'],
  });
  const job = await createJob(
    app,
    'name: Slowish\nsteps:\n  - { name: S, type: exec, command: sleep 1; echo done }\n',
  );
  const run = await launch(app, job.id, { targets: { selector: 'tag:doomed' } as never });
  for (;;) {
    const r = await ok<{ executions: { status: string }[] }>(`/runs/${run.id}`);
    if (r.executions[0]?.status !== 'queued') break;
    await new Promise((res) => setTimeout(res, 50));
  }
  const deleted = await ok<{ hosts: { name: string }[] }>('/hosts/bulk', {
    action: 'delete',
    selector: 'tag:doomed',
  });
  assert.deepEqual(
    deleted.hosts.map((h) => h.name),
    ['web-3'],
  );
  const done = await waitForJobRun(app, run.id);
  assert.ok(['succeeded', 'failed'].includes(done.status), done.status);
  const execution = done.executions[0] as unknown as { hostName: string; hostId: string | null };
  assert.equal(execution.hostName, 'web-3');
  assert.equal(execution.hostId, null);
  assert.ok(!(await hostsNamed())['web-3']);
});
