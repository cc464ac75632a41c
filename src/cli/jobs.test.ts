/** `orca jobs` against a fake API: files sent, paths in errors, output. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { A, B, orca, withApi } from '../../test/support/cli-harness.ts';
import type { FakeRequest } from '../../test/support/fake-api.ts';
import { documentPath, splitDocuments } from './jobs.ts';

const at = '2024-01-01T00:00:00.000Z';
const job = (id: string, name: string, extra: object = {}) => ({
  id,
  name,
  description: null,
  category: null,
  tags: [],
  active: true,
  version: 3,
  createdBy: 'admin',
  createdAt: at,
  updatedAt: at,
  ...extra,
});

async function tempDir(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-jobs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a YAML stream splits into its documents, keeping comments; a JSON file is one document', () => {
  const text = '# ops jobs\n---\nname: a\n---\n# b is new\nname: b\n---\n';
  assert.deepEqual(splitDocuments('all.yaml', text), [
    { name: 'all.yaml (document 1)', document: '# ops jobs\n---\nname: a\n', format: 'yaml' },
    { name: 'all.yaml (document 2)', document: '---\n# b is new\nname: b\n', format: 'yaml' },
  ]);
  assert.deepEqual(splitDocuments('one.yml', 'name: a\n'), [
    { name: 'one.yml', document: 'name: a\n', format: 'yaml' },
  ]);
  assert.deepEqual(splitDocuments('x.json', '{"name":"a"}'), [
    { name: 'x.json', document: '{"name":"a"}', format: 'json' },
  ]);
  const docs = [{ name: 'jobs/a.yaml', document: '' }];
  assert.equal(documentPath('body.documents[0].steps[1].type', docs), 'jobs/a.yaml: steps[1].type');
  assert.equal(documentPath('body.documents[0]', docs), 'jobs/a.yaml');
  assert.equal(documentPath('body.other', docs), 'body.other');
});

test('jobs apply sends every job file under a directory and prints what each became', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'web', 'deep'), { recursive: true });
  await writeFile(join(dir, 'backup.yaml'), 'name: backup\n');
  await writeFile(join(dir, 'web', 'deploy.yml'), 'name: deploy\n---\nname: restart\n');
  await writeFile(join(dir, 'web', 'deep', 'clean.json'), '{"name":"clean"}');
  await writeFile(join(dir, 'README.md'), '# not a job\n');
  const api = await withApi(t, {
    http: (req) => {
      if (req.path !== '/jobs/apply') return undefined;
      const docs = (req.body as { documents: { name: string }[] }).documents;
      const actions = ['created', 'updated', 'unchanged', 'unchanged'];
      return {
        body: {
          results: docs.map((d, i) => ({
            document: d.name,
            id: A,
            name: ['backup', 'clean', 'deploy', 'restart'][i],
            action: actions[i],
            version: i + 1,
            warnings: i === 1 ? [{ path: `body.documents[${i}].steps[0].cwd`, message: 'is relative' }] : [],
          })),
        },
      };
    },
  });
  const r = await orca(['jobs', 'apply', '-f', dir, '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  const sent = api.requests[0]?.body as { documents: { name: string; document: string; format: string }[] };
  assert.deepEqual(
    sent.documents.map((d) => [d.name.slice(dir.length + 1), d.format]),
    [
      ['backup.yaml', 'yaml'],
      ['web/deep/clean.json', 'json'],
      ['web/deploy.yml (document 1)', 'yaml'],
      ['web/deploy.yml (document 2)', 'yaml'],
    ],
  );
  assert.equal(sent.documents[3]?.document, '---\nname: restart\n');
  const lines = r.stdout.split('\n');
  assert.match(lines[0] ?? '', /^created\s+backup \(version 1\)\s+.*backup\.yaml$/);
  assert.match(lines[1] ?? '', /^updated\s+clean \(version 2\)/);
  assert.match(lines[2] ?? '', /^unchanged deploy \(version 3\)/);
  assert.equal(lines[4], '1 created, 1 updated, 2 unchanged');
  assert.match(r.stderr, /^warning: .*web\/deep\/clean\.json: steps\[0\]\.cwd: is relative\n$/);
});

test('jobs apply with invalid documents exits 1 naming each file and path', async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, 'a.yaml'), 'name: a\n');
  await writeFile(join(dir, 'b.yaml'), 'name: b\nsteps: [{ type: nope }]\n');
  const api = await withApi(t, {
    http: () => ({
      status: 400,
      body: {
        error: {
          code: 'validation',
          message: 'nothing was applied; invalid: documents[1] (b.yaml)',
          details: [
            { path: 'body.documents[1].steps[0].type', message: 'must be one of exec, script' },
            { path: 'body.documents[1].steps[0].command', message: 'is required' },
          ],
        },
      },
    }),
  });
  const r = await orca(['jobs', 'apply', '-f', dir, '--url', api.url]);
  assert.equal(r.code, 1);
  const b = join(dir, 'b.yaml');
  assert.equal(
    r.stderr,
    `error: nothing was applied: 1 of 2 documents are invalid\n  ${b}: steps[0].type: must be one of exec, script\n  ${b}: steps[0].command: is required\n`,
  );

  const none = await orca(['jobs', 'apply', '-f', join(dir, 'missing'), '--url', api.url]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /missing: no such file or directory/);
  const empty = join(dir, 'empty');
  await mkdir(empty);
  assert.match((await orca(['jobs', 'apply', '-f', empty, '--url', api.url])).stderr, /no job documents/);
  assert.equal((await orca(['jobs', 'apply', '--url', api.url])).code, 2, '-f is required');
});

test('jobs export writes one file per job, or the YAML stream to stdout', async (t) => {
  const dir = await tempDir(t);
  const jobs = [
    { id: A, name: 'deploy', version: 2, format: 'yaml', source: 'name: deploy\n' },
    { id: B, name: 'clean', version: 1, format: 'json', source: '{"name":"clean"}' },
  ];
  const api = await withApi(t, {
    http: (req) =>
      req.path === '/jobs/export' && req.query.get('format') === 'json' ? { body: { jobs } } : undefined,
  });
  const stdout = await orca(['jobs', 'export', '--url', api.url]);
  assert.equal(stdout.code, 0, stdout.stderr);
  assert.equal(stdout.stdout, '---\nname: deploy\n---\n{"name":"clean"}\n');

  const out = join(dir, 'out');
  const files = await orca(['jobs', 'export', '-o', out, '--url', api.url]);
  assert.equal(files.code, 0, files.stderr);
  assert.equal(await readFile(join(out, 'deploy.yaml'), 'utf8'), 'name: deploy\n');
  assert.equal(await readFile(join(out, 'clean.json'), 'utf8'), '{"name":"clean"}\n');
  assert.match(files.stdout, /wrote .*deploy\.yaml \(deploy version 2\)/);
});

test('jobs list, show, versions and rollback address jobs by name', async (t) => {
  const deploy = job(A, 'deploy', { category: 'web', tags: ['prod', 'web'], description: 'ship it' });
  const api = await withApi(t, {
    http: (req: FakeRequest) => {
      if (req.path === '/jobs') return { body: [deploy, job(B, 'old', { active: false, version: 1 })] };
      if (req.path === `/jobs/${A}`)
        return { body: { ...deploy, definition: { name: 'deploy' }, versions: 3 } };
      if (req.path === `/jobs/${A}/versions/2`) {
        return {
          body: { version: 2, author: 'ann', createdAt: at, hash: 'ab'.repeat(32), source: 'name: deploy\n' },
        };
      }
      if (req.path === `/jobs/${A}/versions`) {
        return {
          body: [3, 2, 1].map((v) => ({ version: v, author: 'ann', createdAt: at, hash: `${v}`.repeat(64) })),
        };
      }
      if (req.path === `/jobs/${A}/rollback`) {
        return { body: { job: { ...deploy, version: 4 }, version: 4, changed: true, warnings: [] } };
      }
      return undefined;
    },
  });
  const list = await orca(['jobs', 'list', '--tag', 'prod', '--active', '--url', api.url]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(api.requests[0]?.query.toString(), 'tag=prod&active=true');
  assert.equal(
    list.stdout,
    'NAME    VERSION  STATE     CATEGORY  TAGS      DESCRIPTION\n' +
      'deploy  3        active    web       prod,web  ship it\n' +
      'old     1        inactive  -         -\n',
  );

  const show = await orca(['jobs', 'show', 'deploy', '--version', '2', '--url', api.url]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^name: +deploy$/m);
  assert.match(show.stdout, /^version: +2 of 3$/m);
  assert.ok(show.stdout.endsWith('\nname: deploy\n'));

  const versions = await orca(['jobs', 'versions', 'deploy', '--url', api.url]);
  assert.match(versions.stdout, /^3 \* .* ann +333333333333$/m);

  const rollback = await orca(['jobs', 'rollback', 'deploy', '--to', '2', '--url', api.url]);
  assert.equal(rollback.stdout, 'deploy: version 4 is now current, equal to version 2\n');
  assert.deepEqual(api.requests.at(-1)?.body, { version: 2 });

  const ghost = await orca(['jobs', 'show', 'ghost', '--url', api.url]);
  assert.equal(ghost.code, 2);
  assert.match(ghost.stderr, /no job named ghost/);
  assert.equal((await orca(['jobs', 'rollback', 'deploy', '--to', 'x', '--url', api.url])).code, 2);
  assert.equal((await orca(['jobs', 'list', '--active', '--inactive', '--url', api.url])).code, 2);
});
