/** `orca jobs apply/run`, `orca runs retry/show/artifact` as a user runs them, against the real app and sshd. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { orcaProcess, type ProcessOptions } from './support/cli-process.ts';
import { registerSshd } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;
let home: string;
const tag = randomUUID().slice(0, 8);
/** Paths on the (local) sshd the jobs write to; removed at the end. */
const PWNED = `/tmp/orca-cli-pwned-${tag}`;
const FLAG = `/tmp/orca-cli-flag-${tag}`;
const DATA = `/tmp/orca-cli-data-${tag}`;

const orca = (args: string[], o: ProcessOptions = {}) => orcaProcess(home, args, o);
const server = () => ['--url', app.url, '--token', app.token];
const runId = (stdout: string) => /^run (\S+): /m.exec(stdout)?.[1] ?? '';

const TYPED = `
name: cli-typed
parameters:
  greeting: { type: string, required: true }
  count: { type: integer, default: 1 }
  loud: { type: boolean, default: false }
  tags: { type: enum, enum: [a, b], multiple: true, default: [] }
  ports: { type: array, items: integer, default: [] }
  token: { type: secret, required: true }
targets:
  hosts: [web-*]
steps:
  - name: Echo
    type: exec
    command: printf '%s|' \${{ parameters.greeting }} \${{ parameters.count }} \${{ parameters.loud }} \${{ parameters.tags }} \${{ parameters.ports }}
  - name: Check token
    type: exec
    command: test \${{ parameters.token }} = s3cret-value && echo token ok
  - name: Who
    type: exec
    command: whoami
`;

const RETRY = `
name: cli-retry
parameters:
  flag: { type: string, required: true }
targets:
  hosts: [web-1, web-2]
steps:
  - name: Once
    type: exec
    command: 'if mkdir \${{ parameters.flag }} 2>/dev/null; then echo first; exit 1; else echo again; fi'
`;

const ARTIFACT = `
name: cli-artifact
parameters:
  path: { type: string, required: true }
steps:
  - name: Write
    type: exec
    command: printf 'artifact bytes\\n' > \${{ parameters.path }}
  - name: Fetch
    type: download
    source: \${{ parameters.path }}
    artifact: data.txt
`;

before(async () => {
  const [a, s] = await Promise.allSettled([
    startTestApp({ env: { ORCA_CONNECT_TIMEOUT_MS: '3000' } }),
    startSshd(),
  ]);
  if (a.status === 'fulfilled') app = a.value;
  if (s.status === 'fulfilled') sshd = s.value;
  if (a.status === 'rejected') throw a.reason;
  if (s.status === 'rejected') throw s.reason;
  home = await mkdtemp(join(tmpdir(), 'orca-cli-jobs-home-'));
  await registerSshd(app, sshd, 'web-1');
  await registerSshd(app, sshd, 'web-2');
  const dir = join(home, 'jobs');
  await mkdir(dir);
  await writeFile(join(dir, 'typed.yaml'), TYPED);
  await writeFile(join(dir, 'retry.yaml'), RETRY);
  await writeFile(join(dir, 'artifact.yaml'), ARTIFACT);
  const applied = await orca(['jobs', 'apply', '-f', dir, ...server()]);
  assert.equal(applied.code, 0, applied.stderr + applied.stdout);
  assert.match(applied.stdout, /3 created, 0 updated, 0 unchanged/);
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
  if (home) await rm(home, { recursive: true, force: true });
  for (const p of [PWNED, FLAG, DATA]) await rm(p, { recursive: true, force: true });
});

test('jobs run converts typed values, asks for the secret, and prints every step of every host', async () => {
  const hostile = `'; touch ${PWNED} #`;
  const r = await orca(
    [
      'jobs',
      'run',
      'cli-typed',
      '-p',
      `greeting=${hostile}`,
      '-p',
      'count=3',
      '-p',
      'loud=yes',
      '-p',
      'tags=a,b',
      '-p',
      'ports=80',
      '-p',
      'ports=443',
      '-p',
      'token=-',
      ...server(),
    ],
    { stdin: 's3cret-value\n' },
  );
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(r.stderr, '', 'no warning: the secret came from stdin');
  const lines = r.stdout.split('\n');
  for (const host of ['web-1', 'web-2']) {
    for (const l of [
      `${host} # step 1/3: Echo`,
      `${host} | ${hostile}|3|true|a|b|80|443|`,
      `${host} # step 2/3: Check token`,
      `${host} | token ok`,
      `${host} # step 3/3: Who`,
      `${host} | ${sshd.user}`,
    ]) {
      assert.ok(lines.includes(l), `${l} in\n${r.stdout}`);
    }
  }
  // A host's lines keep the order of its steps.
  const web1 = lines.filter((l) => l.startsWith('web-1 '));
  assert.ok(web1.indexOf('web-1 # step 1/3: Echo') < web1.indexOf('web-1 # step 3/3: Who'));
  assert.match(r.stdout, /run \S+ succeeded: 2 of 2 hosts succeeded/);
  await assert.rejects(stat(PWNED), 'the hostile value ran nothing');

  const id = runId(r.stdout);
  const show = await orca(['runs', 'show', id, ...server()]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^job: +cli-typed v1$/m);
  assert.match(show.stdout, /^ {2}token: +\*\*\*$/m);
  assert.match(show.stdout, /^ {2}count: +3$/m);
  assert.match(show.stdout, /^ {2}ports: +\[80, 443\]$/m);
  assert.match(show.stdout, /^ {2}2 +check-token +succeeded +0 +1 +\S+$/m);
  assert.ok(!show.stdout.includes('s3cret-value'));
});

test('bad values are refused before anything runs: locally, and by the server at parameters.<name>', async () => {
  const local = await orca(['jobs', 'run', 'cli-typed', '-p', 'greeting=x', '-p', 'count=many', ...server()]);
  assert.equal(local.code, 2);
  assert.equal(
    local.stderr,
    'error: job cli-typed was not started:\n  parameters.count: must be a whole number, not "many"\n',
  );

  const remote = await orca(
    ['jobs', 'run', 'cli-typed', '-p', 'greeting=x', '-p', 'tags=c', '-p', 'token=-', ...server()],
    {
      stdin: 'x',
    },
  );
  assert.equal(remote.code, 2, remote.stderr);
  assert.match(remote.stderr, /^error: job cli-typed was not started:\n {2}parameters\.tags: .*\n$/);

  const literal = await orca([
    'jobs',
    'run',
    'cli-typed',
    '-p',
    'greeting=x',
    '-p',
    'token=wrong',
    '--hosts',
    'web-1',
    ...server(),
  ]);
  assert.match(literal.stderr, /^warning: the secret token was given on the command line/);
  assert.equal(literal.code, 1, 'the token check step fails with the wrong secret');
  assert.match(literal.stdout, /^web-1 # step 2\/3: Check token$/m);
});

test('runs retry runs the failed host again and only it; runs list --job and jobs stats count both runs', async () => {
  const first = await orca(['jobs', 'run', 'cli-retry', '-p', `flag=${FLAG}`, ...server()]);
  assert.equal(first.code, 1, first.stderr + first.stdout);
  const failed = /^(web-\d) +failed +1 /m.exec(first.stdout)?.[1];
  assert.ok(failed, first.stdout);
  assert.match(first.stdout, new RegExp(`^${failed} \\| first$`, 'm'));
  const id = runId(first.stdout);

  const retry = await orca(['runs', 'retry', id, ...server()]);
  assert.equal(retry.code, 0, retry.stderr + retry.stdout);
  assert.match(retry.stdout, new RegExp(`^run \\S+: retry of ${id} on ${failed}$`, 'm'));
  assert.match(retry.stdout, new RegExp(`^${failed} \\| again$`, 'm'));
  assert.match(retry.stdout, /run \S+ succeeded: 1 of 1 host succeeded/);

  const show = await orca(['runs', 'show', runId(retry.stdout), ...server()]);
  assert.match(show.stdout, new RegExp(`^retry of: +${id} \\(hosts that did not succeed\\)$`, 'm'));

  const list = await orca(['runs', 'list', '--job', 'cli-retry', ...server()]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stdout.trim().split('\n').length, 3, list.stdout);

  const stats = await orca(['jobs', 'stats', 'cli-retry', ...server()]);
  assert.equal(stats.code, 0, stats.stderr);
  assert.match(stats.stdout, /^runs: +2 \(2 finished: 1 succeeded, 1 failed, 0 canceled\)$/m);
  assert.match(stats.stdout, /^success rate: +50\.0% /m);

  const again = await orca(['runs', 'retry', runId(retry.stdout), ...server()]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /nothing to retry/);
});

test('runs artifact downloads what a download step brought back', async () => {
  const r = await orca([
    'jobs',
    'run',
    'cli-artifact',
    '-p',
    `path=${DATA}`,
    '--hosts',
    'web-1',
    ...server(),
  ]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const id = runId(r.stdout);
  const show = await orca(['runs', 'show', id, ...server()]);
  assert.match(show.stdout, /^ {2}data\.txt +web-1 +2 +15 B /m);
  const file = join(home, 'fetched.txt');
  const got = await orca(['runs', 'artifact', id, 'data.txt', '-o', file, ...server()]);
  assert.equal(got.code, 0, got.stderr);
  assert.equal(await readFile(file, 'utf8'), 'artifact bytes\n');
  assert.match(got.stdout, /^saved .*fetched\.txt \(data\.txt from web-1, 15 B, sha256 [0-9a-f]{12}\)$/m);
});
