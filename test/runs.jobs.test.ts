/** Job runs end to end: API → queue → worker → real sshd hosts: steps, cancel, retry, launch checks. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { TestApp } from './support/app.ts';
import {
  byHost,
  createJob,
  type JobFleet,
  launch,
  startJobFleet,
  stepOutput,
  waitForJobRun,
} from './support/jobs.ts';
import type { SshdHandle } from './support/sshd.ts';

const run = promisify(execFile);

let fleet: JobFleet;
let app: TestApp;
let sshdA: SshdHandle;

before(async () => {
  fleet = await startJobFleet();
  ({ app, sshdA } = fleet);
});
after(() => fleet?.stop());

test('a multi-step job runs every step on each host, quoting values and passing outputs on', async () => {
  const job = await createJob(
    app,
    `
name: Multi step
parameters:
  greeting: { type: string, required: true }
  count: { type: integer, default: 2 }
  loud: { type: boolean, default: false }
targets:
  hosts: [web-*]
steps:
  - name: Who
    type: exec
    command: whoami
  - name: Echo
    type: exec
    command: printf '%s|' \${{ parameters.greeting }} \${{ parameters.count }} \${{ parameters.loud }} \${{ steps.who.stdout }}
  - name: Script
    type: script
    interpreter: sh
    script: |
      set -eu
      echo "script as $(whoami)" ; echo "args:" \${{ parameters.count }}
      test "$ORCA_TEST_VAR" = "from env"
    env:
      ORCA_TEST_VAR: from env
  - name: Where
    type: exec
    command: pwd
    cwd: /tmp
`,
  );
  const hostile = `'; touch /tmp/orca-pwned-$(id -u) #\`id\`\n$(id) "x"`;
  const r = await launch(app, job.id, { parameters: { greeting: hostile } });
  assert.equal(r.kind, 'job');
  assert.equal(r.job?.version, 1);
  assert.deepEqual(
    r.steps.map((s) => s.id),
    ['who', 'echo', 'script', 'where'],
  );
  const done = await waitForJobRun(app, r.id);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.executions));
  assert.deepEqual(
    done.executions.map((e) => e.hostName),
    ['web-1', 'web-2'],
  );
  for (const e of done.executions) {
    assert.equal(e.status, 'succeeded');
    assert.deepEqual(
      e.steps.map((s) => [s.id, s.status, s.exitCode, s.attempts]),
      [
        ['who', 'succeeded', 0, 1],
        ['echo', 'succeeded', 0, 1],
        ['script', 'succeeded', 0, 1],
        ['where', 'succeeded', 0, 1],
      ],
    );
    for (const s of e.steps) assert.ok(s.startedAt && s.finishedAt);
    assert.equal(await stepOutput(app, r.id, e.id, 0), `${sshdA.user}\n`);
    assert.equal(await stepOutput(app, r.id, e.id, 1), `${hostile}|2|false|${sshdA.user}|`);
    assert.equal(await stepOutput(app, r.id, e.id, 2), `script as ${sshdA.user}\nargs: 2\n`);
    assert.equal(await stepOutput(app, r.id, e.id, 3), '/tmp\n');
  }
  await assert.rejects(run('sh', ['-c', 'ls /tmp/orca-pwned-*']), 'the hostile value ran nothing');
  // The script's temporary file is gone.
  const left = await run('sh', ['-c', 'ls /tmp | grep -cE "^orca-[0-9a-f]{8}-[0-9a-f]{4}-" || true']);
  assert.equal(left.stdout.trim(), '0');
});

test('a failed step skips the steps that need success; failure and always steps still run', async () => {
  const job = await createJob(
    app,
    `
name: Failing step
steps:
  - { name: First, type: exec, command: echo one }
  - { name: Break, type: exec, command: 'echo breaking; exit 7' }
  - { name: Next, type: exec, command: echo never }
  - { name: On failure, type: exec, command: echo cleanup, when: failure }
  - { name: Always, type: exec, command: echo always, when: always }
  - { name: If broke, type: exec, command: echo broke, when: { step: break, is: failed } }
`,
  );
  const r = await launch(app, job.id, { targets: { hosts: ['web-1'] } });
  const done = await waitForJobRun(app, r.id);
  assert.equal(done.status, 'failed');
  const e = done.executions[0]!;
  assert.equal(e.status, 'failed');
  assert.equal(e.failureKind, 'nonzero-exit');
  assert.equal(e.exitCode, 7);
  assert.match(e.failureMessage ?? '', /step "break" failed/);
  assert.deepEqual(
    e.steps.map((s) => [s.id, s.status]),
    [
      ['first', 'succeeded'],
      ['break', 'failed'],
      ['next', 'skipped'],
      ['on-failure', 'succeeded'],
      ['always', 'succeeded'],
      ['if-broke', 'succeeded'],
    ],
  );
  assert.equal(await stepOutput(app, r.id, e.id, 2), '');
  assert.equal(await stepOutput(app, r.id, e.id, 3), 'cleanup\n');
});

test('continueOnError lets the host go on and succeed, with the failure kept as tolerated', async () => {
  const job = await createJob(
    app,
    `
name: Tolerated
steps:
  - { name: Maybe, type: exec, command: 'exit 3', continueOnError: true }
  - { name: Then, type: exec, command: echo went on }
  - { name: Only on failure, type: exec, command: echo no, when: failure }
`,
  );
  const done = await waitForJobRun(app, (await launch(app, job.id, { targets: { hosts: ['web-2'] } })).id);
  assert.equal(done.status, 'succeeded');
  const e = done.executions[0]!;
  assert.deepEqual(
    e.steps.map((s) => [s.id, s.status, s.tolerated, s.exitCode]),
    [
      ['maybe', 'failed', true, 3],
      ['then', 'succeeded', false, 0],
      ['only-on-failure', 'skipped', false, null],
    ],
  );
});

test('cancel mid-step kills the remote process and keeps the finished steps', async () => {
  const job = await createJob(
    app,
    `
name: Long
steps:
  - { name: Quick, type: exec, command: echo quick }
  - { name: Slow, type: exec, command: 'echo begin; sleep 301.5' }
  - { name: Cleanup, type: exec, command: echo cleanup, when: always }
`,
  );
  const r = await launch(app, job.id, { targets: { hosts: ['web-2'] } });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ex = (await (await app.api(`/runs/${r.id}`)).json()) as { executions: { id: string }[] };
    if ((await stepOutput(app, r.id, ex.executions[0]!.id, 1)).includes('begin')) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal((await app.api(`/runs/${r.id}/cancel`, { method: 'POST' })).status, 200);
  const done = await waitForJobRun(app, r.id, 20_000);
  assert.equal(done.status, 'canceled');
  const e = done.executions[0]!;
  assert.equal(e.status, 'canceled');
  assert.deepEqual(
    e.steps.map((s) => [s.id, s.status]),
    [
      ['quick', 'succeeded'],
      ['slow', 'canceled'],
    ],
  );
  // (The bracket keeps the pattern from matching this shell's own command line.)
  const gone = Date.now() + 5000;
  let ps = '';
  do {
    ps = (await run('sh', ['-c', 'pgrep -f "sleep 30[1].5" || true'])).stdout.trim();
    if (!ps) break;
    await new Promise((res) => setTimeout(res, 100));
  } while (Date.now() < gone);
  assert.equal(ps, '', 'the remote sleep is gone');
});

test('retry failed hosts runs the same version with the same values on only those hosts', async () => {
  const job = await createJob(
    app,
    `
name: Retry me
parameters:
  word: { type: string }
  token: { type: secret }
steps:
  - { name: Say, type: exec, command: 'echo \${{ parameters.word }} \${{ parameters.token }}' }
`,
  );
  const token = 'tok-3c1f9a-secret';
  const first = await waitForJobRun(
    app,
    (
      await launch(app, job.id, {
        parameters: { word: 'hello', token },
        targets: { hosts: ['web-1', 'bad-1'] },
      })
    ).id,
  );
  assert.equal(first.status, 'failed');
  assert.deepEqual(first.parameters, { word: 'hello', token: '***' });
  const web1 = byHost(first.executions)['web-1']!;
  assert.equal(await stepOutput(app, first.id, web1.id, 0), 'hello ***\n', 'the secret is masked in output');
  // The job changes meanwhile: the retry still runs version 1.
  const v2 = await app.api(`/jobs/${job.id}`, {
    method: 'PUT',
    body: { document: 'name: Retry me\nsteps:\n  - { name: Other, type: exec, command: echo v2 }\n' },
  });
  assert.equal(v2.status, 200);

  const res = await app.api(`/runs/${first.id}/retry`, { body: { mode: 'failed' } });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  const retry = JSON.parse(text) as { id: string; retryOf: string; retryMode: string };
  assert.equal(retry.retryOf, first.id);
  assert.equal(retry.retryMode, 'failed');
  const retried = await waitForJobRun(app, retry.id);
  assert.deepEqual(
    retried.executions.map((e) => e.hostName),
    ['bad-1'],
  );
  assert.equal(retried.job?.version, 1);
  assert.deepEqual(retried.parameters, { word: 'hello', token: '***' });

  const rerun = await app.api(`/runs/${first.id}/retry`, { body: { mode: 'all' } });
  assert.equal(rerun.status, 201);
  const all = await waitForJobRun(app, ((await rerun.json()) as { id: string }).id);
  assert.deepEqual(all.executions.map((e) => e.hostName).sort(), ['bad-1', 'web-1']);
  const again = byHost(all.executions)['web-1']!;
  assert.equal(await stepOutput(app, all.id, again.id, 0), 'hello ***\n', 'same values, secret included');

  const stats = (await (await app.api(`/jobs/${job.id}/stats`)).json()) as Record<string, unknown>;
  assert.equal(stats.runs, 3);
  assert.equal(stats.failed, 3);
  assert.equal(stats.successRate, 0);
  assert.equal(typeof stats.medianDurationMs, 'number');
});

test('launching checks values, targets and the job state before anything starts', async () => {
  const job = await createJob(
    app,
    `
name: Checked
parameters:
  n: { type: integer, minimum: 1, maximum: 3, required: true }
  env: { type: enum, enum: [staging, production] }
steps:
  - { name: Go, type: exec, command: 'echo \${{ parameters.n }}' }
`,
  );
  const before = (await (await app.api(`/runs?job=${job.id}`)).json()) as unknown[];
  const bad = await app.api(`/jobs/${job.id}/runs`, {
    body: { parameters: { n: 9, env: 'prod' }, targets: { hosts: ['web-1'] } },
  });
  assert.equal(bad.status, 400);
  const body = (await bad.json()) as { error: { details: { path: string }[] } };
  assert.deepEqual(body.error.details.map((d) => d.path).sort(), ['parameters.env', 'parameters.n']);

  const noTargets = await app.api(`/jobs/${job.id}/runs`, { body: { parameters: { n: 1 } } });
  assert.equal(noTargets.status, 400);
  const unknown = await app.api(`/jobs/${job.id}/runs`, {
    body: { parameters: { n: 1 }, targets: { hosts: ['web-1', 'nope-*'] } },
  });
  assert.equal(unknown.status, 400);
  assert.match(await unknown.text(), /nope-\*/);

  assert.equal((await app.api(`/jobs/${job.id}`, { method: 'PATCH', body: { active: false } })).status, 200);
  const inactive = await app.api(`/jobs/${job.id}/runs`, {
    body: { parameters: { n: 1 }, targets: { hosts: ['web-1'] } },
  });
  assert.equal(inactive.status, 409);
  const after = (await (await app.api(`/runs?job=${job.id}`)).json()) as unknown[];
  assert.equal(after.length, before.length, 'no run was created');

  const preview = await app.api('/hosts/resolve', { body: { hosts: ['web-*', 'zzz'] } });
  assert.deepEqual(
    await preview
      .json()
      .then((p: { hosts: { name: string }[]; unmatched: string[] }) => [
        p.hosts.map((h) => h.name),
        p.unmatched,
      ]),
    [['web-1', 'web-2'], ['zzz']],
  );
});
