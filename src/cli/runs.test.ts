/** `orca runs retry|list --job|show|artifact` against a fake API. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { A, B, FAILED, HOSTS, orca, out, RUN, withApi } from '../../test/support/cli-harness.ts';
import { fakeJobRun, fakeRun } from '../../test/support/fake-api.ts';
import { runDetailText } from './run-view.ts';

const OLD = '22222222-2222-4222-8222-222222222222';
const JOB = '99999999-9999-4999-8999-999999999999';
const ART = '33333333-3333-4333-8333-333333333333';
const ART2 = '44444444-4444-4444-8444-444444444444';
const at = '2024-01-01T00:00:00.000Z';

test('runs retry retries the hosts that did not succeed (or --all) and follows the new run', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.method === 'POST' && req.path === `/runs/${OLD}/retry`) {
        const all = (req.body as { mode: string }).mode === 'all';
        return { status: 201, body: fakeRun(RUN, 'queued', all ? HOSTS : HOSTS.slice(1)) };
      }
      if (req.path === `/runs/${RUN}/log`) return { body: { events: [], more: false } };
      return undefined;
    },
    stream: (socket) =>
      socket.on('message', () => {
        socket.send(JSON.stringify(out(B, 1, 'stdout', 'back\n')));
        socket.send(JSON.stringify({ type: 'run', run: fakeRun(RUN, 'succeeded', HOSTS.slice(1)) }));
      }),
  });
  const r = await orca(['runs', 'retry', OLD, '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(api.requests[0]?.body, { mode: 'failed' });
  assert.deepEqual(r.stdout.split('\n').slice(0, 2), [
    `run ${RUN}: retry of ${OLD} on web-10`,
    'web-10 | back',
  ]);
  assert.match(r.stdout, /run \S+ succeeded: 1 of 1 host succeeded/);

  const all = await orca(['runs', 'retry', OLD, '--all', '--no-follow', '--url', api.url]);
  assert.deepEqual([all.code, all.stdout], [0, `${RUN}\n`]);
  assert.deepEqual(api.requests.at(-1)?.body, { mode: 'all' });
});

test('runs retry of a run still going is refused with the server message', async (t) => {
  const api = await withApi(t, {
    http: () => ({
      status: 409,
      body: {
        error: {
          code: 'conflict',
          message: `run ${OLD} is still running; wait for it to end or cancel it`,
          details: [],
        },
      },
    }),
  });
  const r = await orca(['runs', 'retry', OLD, '--url', api.url]);
  assert.deepEqual(
    [r.code, r.stderr],
    [1, `error: run ${OLD} is still running; wait for it to end or cancel it\n`],
  );
});

test('runs list --job asks for the runs of that job, found by name', async (t) => {
  const job = { id: JOB, name: 'deploy', version: 3, active: true, tags: [] };
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/jobs') return { body: [job] };
      if (req.path === '/runs')
        return { body: [fakeJobRun(RUN, 'succeeded', HOSTS), fakeRun(OLD, 'failed', FAILED)] };
      return undefined;
    },
  });
  const r = await orca(['runs', 'list', '--job', 'deploy', '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(api.requests.at(-1)?.query.get('job'), JOB);
  assert.match(r.stdout, new RegExp(`^${RUN}\\s+succeeded\\s+2\\s+0\\s+.*job deploy v3$`, 'm'));
  assert.match(r.stdout, new RegExp(`^${OLD}\\s+failed\\s+2\\s+1\\s+.*whoami$`, 'm'));
  assert.equal((await orca(['runs', 'list', '--job', 'nope', '--url', api.url])).code, 2);
});

test('a job run shows its job, parameters, each host’s steps and the artifacts', () => {
  const run = fakeJobRun(
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
    {
      steps: ['who', 'deploy', 'cleanup'],
      retryOf: OLD,
      parameters: { version: "'; touch /tmp/pwned #", workers: 3, features: ['a', 'b'], token: '***' },
      results: {
        'web-1': [
          {},
          { attempts: 2, durationMs: 61_000 },
          {
            status: 'skipped',
            attempts: 0,
            exitCode: null,
            durationMs: null,
            startedAt: null,
            finishedAt: null,
            failureMessage: 'skipped: runs on failure only',
          },
        ],
        'web-10': [
          {},
          { status: 'failed', exitCode: 7, failureKind: 'nonzero-exit', failureMessage: 'exited with 7' },
        ],
      },
      artifacts: [
        {
          id: ART,
          executionId: A,
          hostName: 'web-1',
          stepIndex: 2,
          name: 'install.log',
          size: 1536,
          sha256: 'ab'.repeat(32),
          createdAt: at,
        },
      ],
    },
  );
  const text = runDetailText(run, undefined, Date.parse(at));
  assert.match(text, /^job: +deploy v3$/m);
  assert.match(text, new RegExp(`^retry of: +${OLD} \\(hosts that did not succeed\\)$`, 'm'));
  assert.match(text, /^targets: +web-1, web-10$/m);
  assert.ok(!/^command:/m.test(text));
  assert.ok(
    text.includes(
      'parameters:\n  version:   "\'; touch /tmp/pwned #"\n  workers:   3\n  features:  [a, b]\n  token:     ***\n',
    ),
    text,
  );
  assert.ok(
    text.includes(
      '\nweb-1  succeeded\n' +
        '  #  STEP     STATUS     EXIT  ATTEMPTS  DURATION  FAILURE\n' +
        '  1  who      succeeded  0     1         250ms\n' +
        '  2  deploy   succeeded  0     2         1m01s\n' +
        '  3  cleanup  skipped    -     0         -         skipped: runs on failure only\n',
    ),
    text,
  );
  assert.ok(
    text.includes(
      '\nweb-10  failed\n' +
        '  #  STEP     STATUS     EXIT  ATTEMPTS  DURATION  FAILURE\n' +
        '  1  who      succeeded  0     1         250ms\n' +
        '  2  deploy   failed     7     1         250ms     nonzero-exit: exited with 7\n' +
        '  3  cleanup  -\n',
    ),
    text,
  );
  assert.ok(
    text.endsWith(
      `\nartifacts (download: orca runs artifact ${RUN} <name>):\n` +
        '  NAME         HOST   STEP  SIZE     SHA256        ID\n' +
        `  install.log  web-1  3     1.5 KiB  abababababab  ${ART}\n`,
    ),
    text,
  );
  // Ad-hoc runs read as before.
  const adhoc = runDetailText(fakeRun(OLD, 'succeeded', HOSTS), undefined, Date.parse(at));
  assert.match(adhoc, /^command: +whoami$/m);
  assert.ok(!adhoc.includes('parameters'));
});

test('runs artifact downloads by name into a file, checks its sha256, and refuses to guess between hosts', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-artifact-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bytes = Buffer.from([0, 1, 2, 255, 10, 13]);
  const sha = createHash('sha256').update(bytes).digest('hex');
  let served = bytes;
  const artifact = (id: string, hostName: string) => ({
    id,
    executionId: A,
    hostName,
    stepIndex: 0,
    name: 'logs/install.log',
    size: bytes.length,
    sha256: sha,
    createdAt: at,
  });
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === `/runs/${RUN}`) {
        return {
          body: fakeJobRun(RUN, 'succeeded', HOSTS, {
            artifacts: [artifact(ART, 'web-1'), artifact(ART2, 'web-10')],
          }),
        };
      }
      if (req.path === `/runs/${RUN}/artifacts/${ART}`)
        return { bytes: served, headers: { 'x-content-sha256': sha } };
      return undefined;
    },
  });
  const cwd = process.cwd();
  process.chdir(dir);
  t.after(() => process.chdir(cwd));

  const ambiguous = await orca(['runs', 'artifact', RUN, 'logs/install.log', '--url', api.url]);
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /from 2 hosts \(web-1, web-10\); choose one with --host/);

  const r = await orca(['runs', 'artifact', RUN, 'logs/install.log', '--host', 'web-1', '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await readFile(join(dir, 'install.log')), bytes);
  assert.match(
    r.stdout,
    /^saved install\.log \(logs\/install\.log from web-1, 6 B, sha256 [0-9a-f]{12}\)\n$/,
  );

  const again = await orca(['runs', 'artifact', RUN, ART, '--url', api.url]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /install\.log exists; choose another file with -o, or pass --force/);

  const target = join(dir, 'copy.bin');
  await writeFile(target, 'old');
  served = Buffer.from('tampered');
  const damaged = await orca(['runs', 'artifact', RUN, ART, '-o', target, '--url', api.url]);
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /is damaged: sha256 /);
  assert.equal(await readFile(target, 'utf8'), 'old', 'a damaged download replaces nothing');
  assert.deepEqual((await readdir(dir)).sort(), ['copy.bin', 'install.log'], 'no partial file is left');

  const none = await orca(['runs', 'artifact', RUN, 'other.txt', '--url', api.url]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no artifact other\.txt; the run has: logs\/install\.log/);
});
