/**
 * Hostile input against every route of the OpenAPI document (fast-check): malformed and
 * oversized bodies, wrong types, deep nesting, unicode edge cases and injection strings in the
 * body, the path parameters and the query. Whatever comes in: never a 500, never a stack trace or
 * SQL text in the answer, the server keeps answering, and a refused request changes nothing in
 * the database (the audit log, which records refusals, aside).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from './support/app.ts';
import { addHost, addPasswordCredential } from './support/fleet.ts';
import { createJob } from './support/jobs.ts';

let app: TestApp;
let known: Record<string, string> = {};

before(async () => {
  app = await startTestApp({ env: { ORCA_SCHEDULER_INTERVAL_MS: '0', ORCA_HEALTH_INTERVAL_S: '0' } });
  const credentialId = await addPasswordCredential(app, 'fuzz-pw', 'fuzz-password');
  const host = await addHost(app, { name: 'fuzz-1', port: 1, username: 'nobody', credentialId });
  const job = await createJob(app, 'name: fuzz-job\nsteps:\n  - { name: A, type: exec, command: "true" }\n');
  known = { host: host.id, job: job.id, credential: credentialId };
});
after(() => app?.stop());

const INJECTIONS = [
  "'; drop table hosts; --",
  '$(id)',
  '`whoami`',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${{ parameters.x }}',
  '\u202e\u0301\ud83d\ude00',
  '\ud800',
  'a'.repeat(70_000),
  '"; Remove-Item -Recurse C:\\ #',
  ' OR 1=1',
];

const scalar = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(-1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER),
);

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('v'), { maxKeys: 5 }),
  ),
})).v;

/** Nested a thousand levels deep: parsers and validators must not fall over. */
const deep = (n: number): unknown => (n === 0 ? 'x' : { a: deep(n - 1) });

/** Bodies shaped like the route's own schema, with fields swapped for hostile values. */
function bodyFor(schema: Record<string, unknown> | undefined): fc.Arbitrary<unknown> {
  const props = (schema?.properties ?? {}) as Record<string, unknown>;
  const keys = Object.keys(props);
  const shaped =
    keys.length === 0
      ? fc.constant({})
      : fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] });
  return fc.oneof(shaped, value, fc.constant(deep(1000)), fc.constant('not json at all'));
}

/** Tables compared whole (a refused PATCH must not half-apply), and tables only counted. */
const WHOLE = [
  'users',
  'credentials',
  'hosts',
  'host_groups',
  'host_group_members',
  'host_group_children',
  'jobs',
  'job_versions',
  'schedules',
  'notification_rules',
  'job_triggers',
];
// api_tokens.last_used_at moves with every request; runs and executions only appear.
const COUNTED = ['api_tokens', 'runs', 'executions', 'sessions'];

async function snapshot(): Promise<string> {
  const parts = [
    ...WHOLE.map((t) => `(select md5(coalesce(string_agg(x::text, ',' order by x::text), '')) from ${t} x)`),
    ...COUNTED.map((t) => `(select count(*)::text from ${t})`),
  ].join(" || ',' || ");
  const r = await sql<{ c: string }>`select ${sql.raw(parts)} as c`.execute(app.database.handle.db);
  return r.rows[0]?.c ?? '';
}

interface Operation {
  method: string;
  path: string;
  body?: Record<string, unknown>;
}

function operations(doc: { paths: Record<string, Record<string, { requestBody?: unknown }>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      if (path.endsWith('/auth/logout') || path.endsWith('/stream')) continue;
      const content = (op.requestBody as { content?: Record<string, { schema?: Record<string, unknown> }> })
        ?.content;
      out.push({ method: method.toUpperCase(), path, body: content?.['application/json']?.schema });
    }
  }
  return out;
}

test('no input makes any route answer 500, leak internals, or change anything when refused', async () => {
  const doc = (await (await app.api('/openapi.json')).json()) as Parameters<typeof operations>[0];
  const ops = operations(doc);
  assert.ok(ops.length > 60, `${ops.length} operations`);
  const param = fc.oneof(
    fc.constantFrom(
      known.host ?? '',
      known.job ?? '',
      '00000000-0000-4000-8000-000000000000',
      'not-a-uuid',
      '1',
      '..',
    ),
    fc.constantFrom(...INJECTIONS.slice(0, 6)),
  );
  const failures: string[] = [];
  for (const op of ops) {
    await fc.assert(
      fc.asyncProperty(
        param,
        bodyFor(op.body),
        fc.option(fc.constantFrom(...INJECTIONS.slice(0, 8))),
        async (id, body, q) => {
          const url =
            op.path.replace(/^\/api\/v1/, '').replace(/\{\w+\}/g, () => encodeURIComponent(id)) +
            (q === null ? '' : `?q=${encodeURIComponent(q)}&limit=${encodeURIComponent(q)}`);
          const before = op.method === 'GET' ? '' : await snapshot();
          const res = await app.api(url, {
            method: op.method,
            ...(op.method !== 'GET' && op.method !== 'DELETE' && { body }),
          });
          const text = await res.text();
          const where = `${op.method} ${url.slice(0, 120)} ${JSON.stringify(body)?.slice(0, 200)}`;
          if (res.status >= 500) failures.push(`${res.status} ${where}: ${text.slice(0, 300)}`);
          if (
            /\n\s+at .+\(.+:\d+:\d+\)|node_modules|SELECT |INSERT INTO|syntax error at or near/i.test(text)
          ) {
            failures.push(`leak ${where}: ${text.slice(0, 300)}`);
          }
          if (res.status >= 400 && op.method !== 'GET' && (await snapshot()) !== before) {
            failures.push(`refused ${res.status} but changed the database: ${where}`);
          }
        },
      ),
      { numRuns: 12, seed: 20261202 },
    );
  }
  assert.deepEqual(failures.slice(0, 20), []);
  // Still up and answering normally.
  assert.equal((await app.api('/health')).status, 200);
  assert.equal((await app.api('/hosts')).status, 200);
});

test('an oversized body is refused with 413, not read to the end', async () => {
  const res = await app.api('/hosts', { body: { name: 'x'.repeat(3 * 1024 * 1024) } });
  assert.equal(res.status, 413);
  const body = (await res.json()) as { error: { code: string } };
  assert.ok(body.error.code);
});
