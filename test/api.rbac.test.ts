/**
 * Every route of the OpenAPI document, called by each kind of caller, answers as the table below
 * says. The table is written by hand (not read from the routes), and a route missing from it
 * fails the test by name: a new route cannot go unprotected unnoticed. (The WebSocket stream
 * is not in the document; test/api.projects.test.ts checks it refuses other projects' runs.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { tokenFor } from './support/users.ts';

type Min = 'public' | 'viewer' | 'operator' | 'admin';
interface Rule {
  /** The least role that may call it. */
  readonly min: Min;
  /** The path names a resource of a project: a caller outside that project gets 404. */
  readonly scoped?: true;
  /** Authenticated by its own secret (a trigger token), not a user: a wrong one is refused for all. */
  readonly ownSecret?: true;
  /** The path names nothing that exists (a random id): 404 for anyone let through. */
  readonly absent?: true;
  /** A body that passes validation, so a scoped route reaches its project check. */
  readonly body?: (ids: Ids) => unknown;
}
type Ids = Record<
  'host' | 'credential' | 'group' | 'job' | 'run' | 'schedule' | 'trigger' | 'rule' | 'project' | 'spare',
  string
>;

const V = 'viewer';
const O = 'operator';
const A = 'admin';
const S = true as const;

/** Route → who may call it. */
const TABLE: Record<string, Rule> = {
  'GET /api/v1/health': { min: 'public' },
  'POST /api/v1/auth/login': { min: 'public' },
  'POST /api/v1/auth/logout': { min: 'public' },
  'GET /api/v1/auth/me': { min: V },
  'POST /api/v1/auth/logout-all': { min: V },
  'POST /api/v1/auth/password': {
    min: V,
    body: () => ({ currentPassword: 'not-the-password', newPassword: 'a-new-long-password-42' }),
  },
  // Single sign-on is off here: its routes answer 404 to everyone.
  'GET /api/v1/auth/providers': { min: 'public' },
  'GET /api/v1/auth/oidc/login': { min: 'public', absent: S },
  'GET /api/v1/auth/oidc/callback': { min: 'public', absent: S },
  'GET /api/v1/users': { min: A },
  'POST /api/v1/users': { min: A, body: () => ({ username: 'rbac-made', role: 'viewer' }) },
  'GET /api/v1/users/{id}': { min: A },
  'PATCH /api/v1/users/{id}': { min: A, body: () => ({ role: 'viewer' }) },
  'DELETE /api/v1/users/{id}': { min: A },
  'POST /api/v1/users/{id}/password': { min: A, body: () => ({}) },
  'POST /api/v1/users/{id}/unlock': { min: A },
  'POST /api/v1/users/{id}/sessions/revoke': { min: A },
  'GET /api/v1/tokens': { min: V },
  'POST /api/v1/tokens': { min: V, body: () => ({ name: 'rbac' }) },
  'DELETE /api/v1/tokens/{id}': { min: V, absent: S },
  'GET /api/v1/audit': { min: A },
  'GET /api/v1/audit/export': { min: A },
  'GET /api/v1/projects': { min: V },
  'POST /api/v1/projects': { min: A },
  'GET /api/v1/projects/{id}': { min: V, scoped: S },
  'PATCH /api/v1/projects/{id}': { min: A },
  'DELETE /api/v1/projects/{id}': { min: A },
  'GET /api/v1/projects/{id}/members': { min: A },
  'GET /api/v1/projects/{id}/members/{userId}': { min: A },
  'PUT /api/v1/projects/{id}/members/{userId}': { min: A },
  'DELETE /api/v1/projects/{id}/members/{userId}': { min: A },
  'GET /api/v1/credentials': { min: V },
  'POST /api/v1/credentials': { min: O },
  'GET /api/v1/credentials/{id}': { min: V, scoped: S },
  'PATCH /api/v1/credentials/{id}': { min: O, scoped: S, body: () => ({ password: 'another-one' }) },
  'DELETE /api/v1/credentials/{id}': { min: O, scoped: S },
  'GET /api/v1/hosts': { min: V },
  'POST /api/v1/hosts': { min: O },
  'GET /api/v1/hosts/{id}': { min: V, scoped: S },
  'PATCH /api/v1/hosts/{id}': { min: O, scoped: S, body: () => ({ tags: ['rbac'] }) },
  'DELETE /api/v1/hosts/{id}': { min: O, scoped: S },
  'POST /api/v1/hosts/{id}/test': { min: O, scoped: S },
  'POST /api/v1/hosts/{id}/accept-host-key': { min: O, scoped: S },
  'POST /api/v1/hosts/resolve': { min: V },
  'POST /api/v1/hosts/bulk': { min: O },
  'POST /api/v1/hosts/import': { min: O },
  'GET /api/v1/groups': { min: V },
  'POST /api/v1/groups': { min: O },
  'GET /api/v1/groups/{id}': { min: V, scoped: S },
  'PATCH /api/v1/groups/{id}': { min: O, scoped: S, body: () => ({ description: 'rbac' }) },
  'DELETE /api/v1/groups/{id}': { min: O, scoped: S },
  'GET /api/v1/jobs': { min: V },
  'POST /api/v1/jobs': { min: O },
  'POST /api/v1/jobs/apply': { min: O },
  'GET /api/v1/jobs/export': { min: V },
  'GET /api/v1/jobs/{id}': { min: V, scoped: S },
  'PUT /api/v1/jobs/{id}': { min: O, scoped: S, body: () => ({ document: JOB }) },
  'PATCH /api/v1/jobs/{id}': { min: O, scoped: S, body: () => ({ active: true }) },
  'DELETE /api/v1/jobs/{id}': { min: O, scoped: S },
  'GET /api/v1/jobs/{id}/versions': { min: V, scoped: S },
  'GET /api/v1/jobs/{id}/versions/{version}': { min: V, scoped: S },
  'POST /api/v1/jobs/{id}/rollback': { min: O, scoped: S, body: () => ({ version: 1 }) },
  'POST /api/v1/jobs/{id}/runs': { min: O, scoped: S, body: () => ({}) },
  'GET /api/v1/jobs/{id}/stats': { min: V, scoped: S },
  'GET /api/v1/jobs/{id}/triggers': { min: V, scoped: S },
  'POST /api/v1/jobs/{id}/triggers': { min: O, scoped: S, body: () => ({ name: 'rbac-hook' }) },
  'DELETE /api/v1/jobs/{id}/triggers/{trigger}': { min: O, scoped: S },
  'GET /api/v1/jobs/{id}/triggers/{trigger}/invocations': { min: V, scoped: S },
  'POST /api/v1/hooks/{trigger}': { min: 'public', ownSecret: S },
  'GET /api/v1/runs': { min: V },
  'POST /api/v1/runs': { min: O },
  'GET /api/v1/runs/{id}': { min: V, scoped: S },
  'POST /api/v1/runs/{id}/cancel': { min: O, scoped: S },
  'POST /api/v1/runs/{id}/retry': { min: O, scoped: S, body: () => ({}) },
  'GET /api/v1/runs/{id}/log': { min: V, scoped: S },
  'GET /api/v1/runs/{id}/artifacts/{artifact}': { min: V, scoped: S, absent: S },
  'GET /api/v1/schedules': { min: V },
  'POST /api/v1/schedules': { min: O },
  'POST /api/v1/schedules/preview': { min: V },
  'GET /api/v1/schedules/{id}': { min: V, scoped: S },
  'PATCH /api/v1/schedules/{id}': { min: O, scoped: S, body: () => ({ cron: '@weekly' }) },
  'DELETE /api/v1/schedules/{id}': { min: O, scoped: S },
  'POST /api/v1/schedules/{id}/enable': { min: O, scoped: S },
  'POST /api/v1/schedules/{id}/disable': { min: O, scoped: S },
  'GET /api/v1/schedules/{id}/fires': { min: V, scoped: S },
  'GET /api/v1/notifications': { min: V },
  'POST /api/v1/notifications': { min: O },
  'GET /api/v1/notifications/deliveries': { min: V },
  'GET /api/v1/notifications/{id}': { min: V, scoped: S },
  'PATCH /api/v1/notifications/{id}': { min: O, scoped: S, body: () => ({ enabled: true }) },
  'DELETE /api/v1/notifications/{id}': { min: O, scoped: S },
  'GET /api/v1/workers': { min: V },
  'GET /api/v1/executor/status': { min: V },
};

const JOB =
  'name: rbac-job\ntargets:\n  hosts: [rbac-host]\nsteps:\n  - name: run\n    type: exec\n    command: "true"\n';

type Caller = 'anonymous' | 'viewer' | 'operator' | 'admin' | 'outsider';
const CALLERS: readonly Caller[] = ['anonymous', 'viewer', 'outsider', 'operator', 'admin'];
const RANK: Record<Min, number> = { public: 0, viewer: 1, operator: 2, admin: 3 };
const RANK_OF: Record<Caller, number> = { anonymous: 0, viewer: 1, outsider: 2, operator: 2, admin: 3 };

/** What the table says `caller` gets: refused (401/403), not found (404), or let through. */
function expected(rule: Rule, caller: Caller): 'refused' | 'hidden' | 'through' {
  if (rule.ownSecret) return 'refused';
  if (rule.min === 'public') return 'through';
  if (RANK_OF[caller] < RANK[rule.min]) return 'refused';
  if (caller === 'outsider' && rule.scoped) return 'hidden';
  return 'through';
}

let app: TestApp;
let ids: Ids;
const tokens: Partial<Record<Caller, string | null>> = {};

async function ok<T>(res: Response, what: string): Promise<T> {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

before(async () => {
  app = await startTestApp({
    worker: false,
    env: { ORCA_SCHEDULER_INTERVAL_MS: '0', ORCA_CONNECT_TIMEOUT_MS: '200' },
  });
  const id = async (res: Response, what: string) => (await ok<{ id: string }>(res, what)).id;
  const credential = await id(
    await app.api('/credentials', { body: { name: 'rbac-pw', kind: 'password', password: 'pw-123456' } }),
    'credential',
  );
  const host = await id(
    await app.api('/hosts', {
      body: { name: 'rbac-host', address: '127.0.0.1', port: 1, username: 'u', credentialId: credential },
    }),
    'host',
  );
  const group = await id(await app.api('/groups', { body: { name: 'rbac-group' } }), 'group');
  const job = (await ok<{ job: { id: string } }>(await app.api('/jobs', { body: { document: JOB } }), 'job'))
    .job.id;
  const run = await id(
    await app.api('/runs', { body: { command: 'true', targets: { hosts: ['rbac-host'] } } }),
    'run',
  );
  const schedule = await id(
    await app.api('/schedules', { body: { name: 'rbac-schedule', jobId: job, cron: '@daily' } }),
    'schedule',
  );
  const trigger = (
    await ok<{ trigger: { id: string } }>(
      await app.api(`/jobs/${job}/triggers`, { body: { name: 'rbac-trigger' } }),
      'trigger',
    )
  ).trigger.id;
  const rule = await id(
    await app.api('/notifications', {
      body: { name: 'rbac-rule', job, kind: 'webhook', url: 'http://127.0.0.1:9/x', events: ['failure'] },
    }),
    'rule',
  );
  const other = await id(await app.api('/projects', { body: { name: 'elsewhere' } }), 'project');
  tokens.anonymous = null;
  tokens.admin = app.token;
  tokens.viewer = await tokenFor(app, 'rbac-viewer', 'viewer');
  tokens.operator = await tokenFor(app, 'rbac-operator', 'operator');
  tokens.outsider = await tokenFor(app, 'rbac-outsider', 'operator');
  await tokenFor(app, 'rbac-spare', 'viewer');
  const users = await app.database.handle.db.selectFrom('users').select(['id', 'username']).execute();
  const userId = (name: string) => users.find((u) => u.username === name)?.id ?? '';
  // The outsider leaves the default project and operates in another one only.
  assert.equal(
    (await app.api(`/projects/${DEFAULT}/members/${userId('rbac-outsider')}`, { method: 'DELETE' })).status,
    204,
  );
  assert.equal(
    (
      await app.api(`/projects/${other}/members/${userId('rbac-outsider')}`, {
        method: 'PUT',
        body: { role: 'operator' },
      })
    ).status,
    200,
  );
  ids = {
    host,
    credential,
    group,
    job,
    run,
    schedule,
    trigger,
    rule,
    project: DEFAULT,
    spare: userId('rbac-spare'),
  };
});
after(() => app?.stop());

const DEFAULT = '00000000-0000-4000-8000-000000000001';

function url(path: string, method: string): string {
  const resource = path.split('/')[3] ?? '';
  const byResource: Record<string, keyof Ids> = {
    hosts: 'host',
    credentials: 'credential',
    groups: 'group',
    jobs: 'job',
    runs: 'run',
    schedules: 'schedule',
    notifications: 'rule',
    projects: 'project',
    tokens: 'spare',
    users: 'spare',
  };
  const own = byResource[resource];
  return path
    .replace(/^\/api\/v1/, '')
    .replace('{id}', own ? ids[own] : '00000000-0000-4000-8000-000000000000')
    .replace('{trigger}', ids.trigger)
    .replace('{userId}', ids.spare)
    .replace('{version}', '1')
    .replace('{artifact}', '00000000-0000-4000-8000-000000000000')
    .replace('{trigger}', 'orcahook_not-a-token')
    .concat(method === 'GET' && path.endsWith('/log') ? '?after=0' : '');
}

test('every route answers each role as the table says', async () => {
  const doc = (await (await app.api('/openapi.json')).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes: { method: string; path: string; key: string }[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      routes.push({ method: method.toUpperCase(), path, key: `${method.toUpperCase()} ${path}` });
    }
  }
  const missing = routes.filter((r) => !TABLE[r.key]).map((r) => r.key);
  assert.deepEqual(
    missing,
    [],
    `routes missing from the role table in test/api.rbac.test.ts: ${missing.join(', ')}`,
  );
  const gone = Object.keys(TABLE).filter((k) => !routes.some((r) => r.key === k));
  assert.deepEqual(gone, [], 'table entries for routes that no longer exist');

  // Deletes last, so every other call still finds what it names.
  routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
  const wrong: string[] = [];
  for (const route of routes) {
    const rule = TABLE[route.key] as Rule;
    for (const caller of CALLERS) {
      if (route.key.endsWith('/auth/logout')) continue;
      const body = rule.body
        ? rule.body(ids)
        : ['POST', 'PUT', 'PATCH'].includes(route.method)
          ? {}
          : undefined;
      const res = await app.api(url(route.path, route.method), {
        method: route.method,
        token: tokens[caller] ?? null,
        ...(body !== undefined && { body }),
      });
      await res.arrayBuffer();
      const want = expected(rule, caller);
      const got =
        res.status === 401 || res.status === 403 ? 'refused' : res.status === 404 ? 'hidden' : 'through';
      // A path naming nothing, or what an earlier allowed call deleted, is 404 for anyone.
      const gone = rule.absent === true || route.method === 'DELETE';
      const fine = want === got || (want === 'through' && got === 'hidden' && gone);
      // Anonymous callers are told to log in (401), never that a role is missing (403).
      const anonymousRefusal = caller === 'anonymous' && want === 'refused' && res.status !== 401;
      if (!fine || anonymousRefusal)
        wrong.push(`${route.key} as ${caller}: ${res.status}, table says ${want}`);
    }
  }
  assert.deepEqual(wrong, [], 'answers that differ from the role table');
});
