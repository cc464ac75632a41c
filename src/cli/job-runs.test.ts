/** `orca jobs run` and `orca jobs stats` against a fake API: the body sent, secrets, errors, output. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { A, B, HOSTS, orca, out, RUN, withApi } from '../../test/support/cli-harness.ts';
import { type FakeRequest, fakeJobRun } from '../../test/support/fake-api.ts';
import type { ParameterSpec } from '../domain/jobs/types.ts';
import type { ServerMessage } from '../http/stream-protocol.ts';

const JOB = '99999999-9999-4999-8999-999999999999';
const at = '2024-01-01T00:00:00.000Z';
const job = {
  id: JOB,
  name: 'deploy',
  description: null,
  category: null,
  tags: [],
  active: true,
  version: 3,
  createdBy: null,
  createdAt: at,
  updatedAt: at,
};
const PARAMS: ParameterSpec[] = [
  { name: 'version', type: 'string', required: true },
  { name: 'workers', type: 'integer', required: false, default: 4 },
  { name: 'features', type: 'enum', values: ['a', 'b'], multiple: true, required: false },
  { name: 'token', type: 'secret', required: true },
];
const definition = (parameters: ParameterSpec[]) => ({
  name: 'deploy',
  tags: [],
  parameters,
  strategy: { order: 'hostFirst', allowConcurrentOnHost: false },
  steps: [],
});

/** A fake API with the job, whose launch answers `launch` (default: a queued run). */
function jobApi(
  t: { after(fn: () => unknown): void },
  o: {
    launch?: (req: FakeRequest) => { status: number; body: unknown };
    stream?: ServerMessage[];
    params?: ParameterSpec[];
  } = {},
) {
  return withApi(t, {
    http: (req) => {
      if (req.path === '/jobs') return { body: [job] };
      if (req.path === `/jobs/${JOB}`)
        return { body: { ...job, definition: definition(o.params ?? PARAMS), versions: 3 } };
      if (req.path === `/jobs/${JOB}/versions/2`) {
        return {
          body: {
            version: 2,
            author: null,
            createdAt: at,
            hash: 'x',
            source: '',
            format: 'yaml',
            definition: definition([{ name: 'version', type: 'string', required: true }]),
          },
        };
      }
      if (req.method === 'POST' && req.path === `/jobs/${JOB}/runs`) {
        return o.launch?.(req) ?? { status: 201, body: fakeJobRun(RUN, 'queued', HOSTS) };
      }
      if (req.path === `/jobs/${JOB}/stats`) {
        return {
          body: {
            runs: 12,
            finished: 10,
            succeeded: 8,
            failed: 1,
            canceled: 1,
            successRate: 8 / 9,
            medianDurationMs: 1200,
            p95DurationMs: 184_000,
            lastRunAt: null,
          },
        };
      }
      if (req.path === `/runs/${RUN}/log`) return { body: { events: [], more: false } };
      return undefined;
    },
    stream: (socket) =>
      socket.on('message', () => {
        for (const m of o.stream ?? []) socket.send(JSON.stringify(m));
      }),
  });
}

const launched = (requests: readonly FakeRequest[]) =>
  requests.find((r) => r.method === 'POST' && r.path === `/jobs/${JOB}/runs`)?.body;

test('jobs run sends typed values and hosts, warns about a secret in argv, and follows the steps', async (t) => {
  const failed = fakeJobRun(
    RUN,
    'failed',
    [
      { id: A, name: 'web-1', status: 'succeeded', exitCode: 0 },
      {
        id: B,
        name: 'web-10',
        status: 'failed',
        exitCode: 7,
        failureKind: 'nonzero-exit',
        failureMessage: 'step "deploy" failed',
      },
    ],
    { results: { 'web-1': [{}, {}], 'web-10': [{}, { status: 'failed', exitCode: 7 }] } },
  );
  const api = await jobApi(t, {
    stream: [
      out(A, 1, 'system', 'step 1 "Step who" (exec) started', 0),
      out(A, 2, 'stdout', 'root\n', 0),
      out(B, 1, 'stdout', 'root\n', 0),
      out(A, 3, 'stdout', 'deployed\n', 1),
      out(B, 2, 'stderr', 'broken\n', 1),
      out(
        B,
        3,
        'status',
        JSON.stringify({ status: 'failed', failureKind: 'nonzero-exit', message: 'step "deploy" failed' }),
      ),
      { type: 'run', run: failed },
    ],
  });
  const r = await orca([
    'jobs',
    'run',
    'deploy',
    '-p',
    "version='; touch /tmp/pwned #",
    '-p',
    'workers=3',
    '-p',
    'features=a',
    '-p',
    'features=b',
    '-p',
    'token=hunter2',
    '--hosts',
    'web-1, web-*',
    '--url',
    api.url,
  ]);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(launched(api.requests), {
    parameters: { version: "'; touch /tmp/pwned #", workers: 3, features: ['a', 'b'], token: 'hunter2' },
    targets: { hosts: ['web-1', 'web-*'] },
  });
  assert.match(r.stderr, /^warning: the secret token was given on the command line, .* use -p token=- /);
  assert.ok(!r.stderr.includes('hunter2'));
  const lines = r.stdout.split('\n');
  assert.equal(lines[0], `run ${RUN}: deploy v3 on 2 hosts`);
  assert.deepEqual(lines.slice(1, 10), [
    'web-1  # step 1/2: Step who',
    'web-1  * step 1 "Step who" (exec) started',
    'web-1  | root',
    'web-10 # step 1/2: Step who',
    'web-10 | root',
    'web-1  # step 2/2: Step deploy',
    'web-1  | deployed',
    'web-10 # step 2/2: Step deploy',
    'web-10 ! broken',
  ]);
  assert.match(r.stdout, /web-10\s+failed\s+7\s+\S+\s+nonzero-exit: step "deploy" failed/);
  assert.match(
    r.stdout,
    new RegExp(
      `run ${RUN} failed: 1 of 2 hosts succeeded, 1 failed .*\\n  \\(steps: \`orca runs show ${RUN}\`\\)`,
    ),
  );
});

test('a secret given as - or not at all is read from piped input; two cannot be', async (t) => {
  const api = await jobApi(t);
  const asked = await orca(
    ['jobs', 'run', 'deploy', '-p', 'version=1', '-p', 'token=-', '--no-follow', '--url', api.url],
    { stdin: 's3cret\n' },
  );
  assert.deepEqual([asked.code, asked.stdout, asked.stderr], [0, `${RUN}\n`, '']);
  assert.deepEqual(launched(api.requests), { parameters: { version: '1', token: 's3cret' } });

  const missing = await orca(['jobs', 'run', 'deploy', '-p', 'version=1', '--no-follow', '--url', api.url]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'error: no value for secret parameter token given on standard input\n');
  assert.equal(api.requests.filter((q) => q.method === 'POST').length, 1, 'nothing launched');

  const two = await jobApi(t, {
    params: [
      { name: 'a', type: 'secret', required: true },
      { name: 'b', type: 'secret', required: true },
      { name: 'c', type: 'secret', required: false },
    ],
  });
  const both = await orca(['jobs', 'run', 'deploy', '--url', two.url], { stdin: 'x\n' });
  assert.equal(both.code, 2);
  assert.match(
    both.stderr,
    /^error: secret parameters a, b need values, and piped input holds only one; give the others in --params-file\n$/,
  );
});

test('values that cannot be converted stop the launch, each named on its own line', async (t) => {
  const api = await jobApi(t);
  const r = await orca(
    ['jobs', 'run', 'deploy', '-p', 'workers=many', '-p', 'colour=red', '-p', 'token=-', '--url', api.url],
    { stdin: 'x' },
  );
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    'error: job deploy was not started:\n' +
      '  parameters.colour: is not a parameter of this job (known: version, workers, features, token)\n' +
      '  parameters.workers: must be a whole number, not "many"\n',
  );
  assert.equal(launched(api.requests), undefined);
});

test("the server's refusal is printed one detail per line with its path", async (t) => {
  const details = [
    { path: 'parameters.version', message: 'must match the pattern [0-9.]+ (the whole value)' },
    { path: 'parameters.features', message: 'item 1 ("c") must be one of: a, b' },
  ];
  let answer = details;
  const api = await jobApi(t, {
    launch: () => ({
      status: 400,
      body: {
        error: {
          code: 'validation',
          message:
            answer.length === 1
              ? `${answer[0]?.path}: ${answer[0]?.message}`
              : '2 parameter values are not valid',
          details: answer,
        },
      },
    }),
  });
  const args = [
    'jobs',
    'run',
    'deploy',
    '-p',
    'version=x',
    '-p',
    'features=c',
    '-p',
    'token=-',
    '--url',
    api.url,
  ];
  const two = await orca(args, { stdin: 't' });
  assert.equal(two.code, 2);
  assert.equal(
    two.stderr,
    'error: job deploy was not started:\n' +
      '  parameters.version: must match the pattern [0-9.]+ (the whole value)\n' +
      '  parameters.features: item 1 ("c") must be one of: a, b\n',
  );
  answer = details.slice(0, 1);
  const one = await orca(args, { stdin: 't' });
  assert.equal(
    one.stderr,
    'error: job deploy was not started:\n  parameters.version: must match the pattern [0-9.]+ (the whole value)\n',
  );
});

test('--version runs that version, with its own parameters; --params-file fills values', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-params-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'values.yaml');
  await writeFile(file, 'version: 1.10\n');
  const api = await jobApi(t);
  const r = await orca([
    'jobs',
    'run',
    'deploy',
    '--version',
    '2',
    '--params-file',
    file,
    '--json',
    '--no-follow',
    '--url',
    api.url,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { id: string }).id, RUN);
  assert.deepEqual(launched(api.requests), { parameters: { version: '1.10' }, version: 2 });

  const bad = await orca([
    'jobs',
    'run',
    'deploy',
    '--params-file',
    join(dir, 'none.yaml'),
    '--url',
    api.url,
  ]);
  assert.deepEqual(
    [bad.code, bad.stderr],
    [2, `error: ${join(dir, 'none.yaml')}: cannot read the parameters file\n`],
  );
  assert.equal((await orca(['jobs', 'run', 'deploy', '-p', 'oops', '--url', api.url])).code, 2);
});

test('jobs stats shows runs, success rate, median and p95', async (t) => {
  const api = await jobApi(t);
  const r = await orca(['jobs', 'stats', 'deploy', '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'job:           deploy\n' +
      'runs:          12 (10 finished: 8 succeeded, 1 failed, 1 canceled)\n' +
      'success rate:  88.9% of succeeded and failed runs\n' +
      'median:        1.2s\n' +
      'p95:           3m04s\n' +
      'last run:      -\n',
  );
});
