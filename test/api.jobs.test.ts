import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type {
  ApplyResult,
  JobDetail,
  JobSaved,
  JobVersion,
  JobVersionSummary,
} from '../src/http/job-schemas.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { tokenFor } from './support/users.ts';

let app: TestApp;
before(async () => {
  app = await startTestApp({ worker: false });
});
after(() => app?.stop());

type ErrorResponse = {
  error: { code: string; message: string; details: { path: string; message: string }[] };
};

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

const doc = (name: string, command = 'make deploy', extra = '') =>
  `# ${name}: kept in Git\nname: ${name}\n${extra}steps:\n  - name: run\n    type: exec\n    command: ${command}\n`;

async function create(document: string): Promise<JobSaved> {
  const res = await app.api('/jobs', { body: { document } });
  assert.equal(res.status, 201, await res.clone().text());
  return json<JobSaved>(res);
}

async function versionCount(): Promise<number> {
  const { rows } = await app.database.handle.pool.query('select count(*)::int as n from job_versions');
  return (rows[0] as { n: number }).n;
}

test('a job is created from YAML as version 1, and listed and filtered', async () => {
  const saved = await create(
    doc('web-deploy', 'make deploy', 'description: Ship the Web app\ncategory: web\ntags: [prod, web]\n'),
  );
  assert.equal(saved.version, 1);
  assert.equal(saved.changed, true);
  assert.equal(saved.job.name, 'web-deploy');
  assert.equal(saved.job.versions, 1);
  assert.deepEqual(saved.job.tags, ['prod', 'web']);
  assert.equal(saved.job.createdBy, 'admin');
  assert.equal(saved.job.definition.name, 'web-deploy');
  assert.deepEqual(
    saved.job.definition.steps.map((s) => [s.type, s.type === 'exec' && s.command.default]),
    [['exec', 'make deploy']],
    'the whole normalised definition comes back',
  );
  await create(doc('db-backup', 'pg_dump', 'description: nightly dump\ncategory: db\ntags: [prod]\n'));
  const fromJson = await app.api('/jobs', {
    body: {
      definition: { name: 'cleanup', steps: [{ name: 'rm', type: 'exec', command: 'rm -rf /tmp/x' }] },
    },
  });
  assert.equal(fromJson.status, 201);
  const cleanup = await json<JobSaved>(fromJson);
  const src = await json<JobVersion>(await app.api(`/jobs/${cleanup.job.id}/versions/1`));
  assert.equal(src.format, 'json');
  assert.equal(JSON.parse(src.source).name, 'cleanup');

  const names = async (query: string) =>
    (await json<{ name: string }[]>(await app.api(`/jobs${query}`))).map((j) => j.name);
  assert.deepEqual(await names(''), ['cleanup', 'db-backup', 'web-deploy']);
  assert.deepEqual(await names('?q=WEB'), ['web-deploy']);
  assert.deepEqual(await names('?q=NIGHTLY'), ['db-backup'], 'q matches the description');
  assert.deepEqual(await names('?category=db'), ['db-backup']);
  assert.deepEqual(await names('?tag=prod'), ['db-backup', 'web-deploy']);
  assert.deepEqual(await names('?tag=web&q=deploy'), ['web-deploy']);
  assert.equal((await app.api('/jobs?active=maybe')).status, 400);

  const off = await app.api(`/jobs/${cleanup.job.id}`, { method: 'PATCH', body: { active: false } });
  assert.equal((await json<JobDetail>(off)).active, false);
  assert.deepEqual(await names('?active=false'), ['cleanup']);
  assert.deepEqual(await names('?active=true'), ['db-backup', 'web-deploy']);

  const dup = await app.api('/jobs', { body: { document: doc('web-deploy') } });
  assert.equal(dup.status, 409);
});

test('saving makes a new version only when the definition changes; the name follows the definition', async () => {
  const { job } = await create(doc('restart'));
  const put = (document: string) => app.api(`/jobs/${job.id}`, { method: 'PUT', body: { document } });

  // Same definition, different text (a comment, key order, quoting): no version.
  const same = await put(
    'steps:\n  - type: exec\n    name: run\n    command: "make deploy"\nname: restart\n',
  );
  assert.equal(same.status, 200);
  assert.deepEqual(
    [(await json<JobSaved>(same)).changed, (await json<JobSaved>(await put(doc('restart')))).version],
    [false, 1],
  );

  const changed = await json<JobSaved>(await put(doc('restart', 'systemctl restart web')));
  assert.deepEqual([changed.changed, changed.version, changed.job.versions], [true, 2, 2]);
  const renamed = await json<JobSaved>(await put(doc('restart-web', 'systemctl restart web')));
  assert.deepEqual([renamed.version, renamed.job.name], [3, 'restart-web']);
  await create(doc('taken'));
  assert.equal((await put(doc('taken'))).status, 409);

  const versions = await json<JobVersionSummary[]>(await app.api(`/jobs/${job.id}/versions`));
  assert.deepEqual(
    versions.map((v) => [v.version, v.author]),
    [
      [3, 'admin'],
      [2, 'admin'],
      [1, 'admin'],
    ],
  );
  assert.match(versions[0]?.hash ?? '', /^[0-9a-f]{64}$/);
  const v1 = await json<JobVersion>(await app.api(`/jobs/${job.id}/versions/1`));
  assert.equal(v1.source, doc('restart'), 'the source is kept as submitted');
  assert.equal(v1.format, 'yaml');
  assert.equal((await app.api(`/jobs/${job.id}/versions/9`)).status, 404);
});

test('rollback creates version N+1 equal to the old version', async () => {
  const { job } = await create(doc('rollme', 'echo one'));
  await app.api(`/jobs/${job.id}`, { method: 'PUT', body: { document: doc('rollme', 'echo two') } });
  const back = await app.api(`/jobs/${job.id}/rollback`, { body: { version: 1 } });
  assert.equal(back.status, 200);
  const saved = await json<JobSaved>(back);
  assert.deepEqual([saved.changed, saved.version], [true, 3]);
  const [v1, v3] = await Promise.all(
    [1, 3].map(async (n) => json<JobVersion>(await app.api(`/jobs/${job.id}/versions/${n}`))),
  );
  assert.deepEqual(v3?.definition, v1?.definition);
  assert.equal(v3?.hash, v1?.hash);
  assert.equal(v3?.source, v1?.source);
  assert.deepEqual(saved.job.definition, v1?.definition);
  // Returning to what is already current changes nothing.
  const again = await json<JobSaved>(await app.api(`/jobs/${job.id}/rollback`, { body: { version: 3 } }));
  assert.deepEqual([again.changed, again.version], [false, 3]);
  assert.equal((await app.api(`/jobs/${job.id}/rollback`, { body: { version: 7 } })).status, 404);
});

test('versions are immutable in the database; deleting a job removes its versions', async () => {
  const { job } = await create(doc('immutable'));
  const pool = app.database.handle.pool;
  const refused = async (statement: string) => {
    await assert.rejects(pool.query(statement, [job.id]), (e: { code?: string; message: string }) => {
      assert.equal(e.code, '23001');
      assert.match(e.message, /immutable/);
      return true;
    });
  };
  await refused(`update job_versions set source = 'x' where job_id = $1`);
  await refused(`delete from job_versions where job_id = $1`);
  await refused(`update job_versions set version = 2 where job_id = $1`);

  assert.equal((await app.api(`/jobs/${job.id}`, { method: 'DELETE' })).status, 204);
  const { rows } = await pool.query('select count(*)::int as n from job_versions where job_id = $1', [
    job.id,
  ]);
  assert.equal((rows[0] as { n: number }).n, 0);
  assert.equal((await app.api(`/jobs/${job.id}`)).status, 404);
  assert.equal((await app.api(`/jobs/${job.id}/versions`)).status, 404);
});

test('bad input is refused naming the path', async () => {
  const res = await app.api('/jobs', {
    body: {
      document:
        'name: broken\nsteps:\n  - name: a\n    type: exec\n    command: x\n  - name: b\n    type: nope\n',
    },
  });
  assert.equal(res.status, 400);
  const err = await json<ErrorResponse>(res);
  assert.equal(err.error.code, 'validation');
  assert.ok(
    err.error.details.some((d) => d.path === 'body.document.steps[1].type'),
    JSON.stringify(err.error.details),
  );
  const obj = await json<ErrorResponse>(
    await app.api('/jobs', { body: { definition: { name: 'x', steps: [{ name: 'a', type: 'exec' }] } } }),
  );
  assert.ok(
    obj.error.details.some((d) => d.path.startsWith('body.definition.steps[0]')),
    JSON.stringify(obj),
  );
  assert.equal((await app.api('/jobs', { body: {} })).status, 400);
  assert.equal((await app.api('/jobs', { body: { document: 'a: [' } })).status, 400);
  assert.equal((await app.api('/jobs/nope')).status, 400);
  assert.equal((await app.api('/jobs/00000000-0000-4000-8000-000000000000')).status, 404);
});

test('apply is all or nothing, idempotent, and names the bad document and path', async () => {
  const set = [
    { name: 'jobs/a.yaml', document: doc('apply-a') },
    { name: 'jobs/b.yaml', document: doc('apply-b', 'echo b') },
    {
      name: 'jobs/c.json',
      document: JSON.stringify({ name: 'apply-c', steps: [{ name: 's', type: 'local', command: 'true' }] }),
      format: 'json',
    },
  ];
  const first = await json<ApplyResult>(await app.api('/jobs/apply', { body: { documents: set } }));
  assert.deepEqual(
    first.results.map((r) => [r.document, r.name, r.action, r.version]),
    [
      ['jobs/a.yaml', 'apply-a', 'created', 1],
      ['jobs/b.yaml', 'apply-b', 'created', 1],
      ['jobs/c.json', 'apply-c', 'created', 1],
    ],
  );
  const before = await versionCount();
  const second = await json<ApplyResult>(await app.api('/jobs/apply', { body: { documents: set } }));
  assert.deepEqual(
    second.results.map((r) => r.action),
    ['unchanged', 'unchanged', 'unchanged'],
  );
  assert.equal(await versionCount(), before, 'applying the same set twice makes no version');

  const bad = [
    { name: 'jobs/a.yaml', document: doc('apply-a', 'echo changed') },
    { name: 'jobs/new.yaml', document: doc('apply-new') },
    { name: 'jobs/bad.yaml', document: 'name: apply-bad\nsteps:\n  - name: s\n    type: teleport\n' },
  ];
  const refused = await app.api('/jobs/apply', { body: { documents: bad } });
  assert.equal(refused.status, 400);
  const err = await json<ErrorResponse>(refused);
  assert.ok(
    err.error.details.some((d) => d.path === 'body.documents[2].steps[0].type'),
    JSON.stringify(err),
  );
  assert.match(err.error.message, /jobs\/bad\.yaml/);
  assert.equal(await versionCount(), before, 'nothing applied');
  assert.equal((await json<unknown[]>(await app.api('/jobs?q=apply-new'))).length, 0);

  const twice = await app.api('/jobs/apply', {
    body: { documents: [{ document: doc('apply-z') }, { document: doc('apply-z', 'echo 2') }] },
  });
  assert.equal(twice.status, 400);
  assert.ok(
    (await json<ErrorResponse>(twice)).error.details.some((d) => d.path === 'body.documents[1].name'),
  );

  const mixed = await json<ApplyResult>(
    await app.api('/jobs/apply', { body: { documents: [bad[0], bad[1]] } }),
  );
  assert.deepEqual(
    mixed.results.map((r) => [r.action, r.version]),
    [
      ['updated', 2],
      ['created', 1],
    ],
  );
});

test('export is a YAML stream of active jobs that applies back as unchanged', async () => {
  const res = await app.api('/jobs/export');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/yaml/);
  const stream = await res.text();
  const docs = parseAllDocuments(stream);
  const list = Array.isArray(docs) ? docs : [docs];
  const names = list.map((d) => (d.toJS() as { name: string }).name);
  const active = (await json<{ name: string }[]>(await app.api('/jobs?active=true'))).map((j) => j.name);
  assert.deepEqual(names, active);
  assert.ok(!names.includes('cleanup'), 'inactive jobs are not exported');
  assert.ok(stream.includes('# web-deploy: kept in Git'), 'sources are exported as written');

  const before = await versionCount();
  const documents = list.map((d) => ({ document: stream.slice(d.range[0], d.range[2]) }));
  const applied = await json<ApplyResult>(await app.api('/jobs/apply', { body: { documents } }));
  assert.ok(
    applied.results.every((r) => r.action === 'unchanged'),
    JSON.stringify(applied),
  );
  assert.equal(await versionCount(), before);

  const asJson = await json<{ jobs: { name: string; source: string }[] }>(
    await app.api('/jobs/export?format=json'),
  );
  assert.deepEqual(
    asJson.jobs.map((j) => j.name),
    active,
  );
});

test('the job schema is served without login, and the job routes are in the OpenAPI document', async () => {
  const res = await app.api('/job-schema.json', { token: null });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/schema\+json/);
  const schema = await json<{ properties: Record<string, unknown> }>(res);
  assert.ok(schema.properties.steps);
  const openapi = await json<{ paths: Record<string, Record<string, unknown>> }>(
    await app.api('/openapi.json'),
  );
  for (const path of [
    '/api/v1/jobs',
    '/api/v1/jobs/{id}/versions/{version}',
    '/api/v1/jobs/apply',
    '/api/v1/jobs/export',
  ]) {
    assert.ok(openapi.paths[path], path);
  }
});

test('viewers read jobs but cannot change them', async () => {
  const _db = app.database.handle.db;
  const token = await tokenFor(app, 'vera', 'viewer');
  const { job } = await create(doc('viewable'));
  assert.equal((await app.api('/jobs', { token })).status, 200);
  assert.equal((await app.api(`/jobs/${job.id}`, { token })).status, 200);
  assert.equal((await app.api(`/jobs/${job.id}/versions`, { token })).status, 200);
  assert.equal((await app.api('/jobs/export', { token })).status, 200);
  const writes: [string, string, unknown][] = [
    ['POST', '/jobs', { document: doc('nope') }],
    ['PUT', `/jobs/${job.id}`, { document: doc('viewable', 'echo x') }],
    ['PATCH', `/jobs/${job.id}`, { active: false }],
    ['POST', `/jobs/${job.id}/rollback`, { version: 1 }],
    ['POST', '/jobs/apply', { documents: [{ document: doc('nope') }] }],
    ['DELETE', `/jobs/${job.id}`, undefined],
  ];
  for (const [method, path, body] of writes) {
    assert.equal((await app.api(path, { method, body, token })).status, 403, `${method} ${path}`);
  }
  assert.equal((await json<JobDetail>(await app.api(`/jobs/${job.id}`))).versions, 1);
});
