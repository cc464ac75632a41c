/**
 * Secret parameters on a real sshd: the command gets the exact value (quotes, newlines, `$( )`,
 * backslashes, unicode) while no process on the host has it on its command line, the uploaded
 * script file does not hold it, and neither the stored output, the step's failure message nor
 * the server's log shows it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createLogger } from '../src/log.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { registerSshd } from './support/fleet.ts';
import { createJob, events, launch, waitForJobRun } from './support/jobs.ts';
import { type SshdHandle, startSshd, TEST_USER } from './support/sshd.ts';

const SUDOERS = `/etc/sudoers.d/orca-secrets-test-${process.pid}`;
/** What no process list, file or log may show: it is in every secret value below. */
const MARK = `tok${randomBytes(8).toString('hex')}`;
const HOSTILE = `${MARK} it's "q" $(echo INJECTED) \`echo BT\` \\ back\\\\slash %s %% ünï ✓ 😀\n\nline 3\n`;
let app: TestApp;
let sshd: SshdHandle;
let dir = '';
const logged: string[] = [];

before(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged.push(chunk.toString('utf8'));
      done();
    },
  });
  [app, sshd] = await Promise.all([startTestApp({ log: createLogger('debug', sink) }), startSshd()]);
  await writeFile(SUDOERS, `${TEST_USER} ALL=(ALL:ALL) ALL\n`, { mode: 0o440 });
  await registerSshd(app, sshd, 'sec-host');
  dir = await mkdtemp(join(tmpdir(), 'orca-secrets-'));
  await chmod(dir, 0o777);
});
after(async () => {
  await rm(SUDOERS, { force: true });
  await app?.stop();
  await sshd?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Every process's command line on this machine (the host is local), NULs as spaces. */
async function commandLines(): Promise<string[]> {
  const out: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const line = await readFile(`/proc/${pid}/cmdline`).catch(() => null);
    if (line && line.length > 0) out.push(line.toString('utf8').replaceAll('\0', ' '));
  }
  return out;
}

async function waitFor(path: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await stat(path).catch(() => null))) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** While a step waits at `ready`, nothing on the host shows the secret; then it may go on. */
async function checkHostWhileRunning(ready: string, release: string, shows: RegExp): Promise<void> {
  await waitFor(join(dir, ready));
  const lines = await commandLines();
  assert.ok(
    lines.some((l) => shows.test(l)),
    'the waiting step is in the list (so the list is the right one)',
  );
  const leaks = lines.filter((l) => l.includes(MARK));
  assert.deepEqual(leaks, [], 'no command line holds the secret');
  // Scripts are uploaded to /tmp/orca-<uuid>: no such file holds the value.
  for (const name of (await readdir('/tmp')).filter((n) => n.startsWith('orca-'))) {
    const file = join('/tmp', name);
    if (!(await stat(file).catch(() => null))?.isFile()) continue;
    assert.ok(!(await readFile(file, 'utf8')).includes(MARK), `${file} holds the secret`);
  }
  await writeFile(join(dir, release), '');
}

const waitLoop = (file: string) => `while [ ! -e ${dir}/${file} ]; do sleep 0.05; done`;

test('secret parameters reach exec, script and become steps by environment, never by command line', async () => {
  const job = await createJob(
    app,
    `name: secrets
parameters:
  token: { type: secret, required: true }
  other: { type: secret, required: true }
steps:
  - name: Exec
    type: exec
    env: { TOKEN_ENV: "\${{ parameters.token }}" }
    command: |
      printf '%s' \${{ parameters.token }} > ${dir}/exec.out
      printf '%s' "$TOKEN_ENV" > ${dir}/env.out
      printf '%s' \${{ parameters.other }} > ${dir}/other.out
      touch ${dir}/exec.ready
      ${waitLoop('exec.release')}
      echo out: \${{ parameters.token }}
      echo "err: $TOKEN_ENV" >&2
  - name: Script
    type: script
    script: |
      printf '%s' \${{ parameters.token }} > ${dir}/script.out
      touch ${dir}/script.ready
      ${waitLoop('script.release')}
  - name: Root
    type: exec
    become: true
    env: { TOKEN_ENV: "\${{ parameters.token }}" }
    command: |
      printf '%s' \${{ parameters.token }} > ${dir}/become.out
      printf '%s' "$TOKEN_ENV" > ${dir}/become-env.out
      id -un
  - name: Root script
    type: script
    become: true
    script: |
      printf '%s' \${{ parameters.token }} > ${dir}/become-script.out
  - name: Fail
    type: exec
    command: 'echo \${{ parameters.token }} >&2; exit 3'
`,
  );
  const other = `${MARK}-other`;
  const launched = await launch(app, job.id, {
    parameters: { token: HOSTILE, other },
    targets: { hosts: ['sec-host'] },
  });
  await checkHostWhileRunning('exec.ready', 'exec.release', /exec\.release/);
  await checkHostWhileRunning('script.ready', 'script.release', /^sh \/tmp\/orca-[0-9a-f-]{36} $/);
  const run = await waitForJobRun(app, launched.id);
  const e = run.executions[0]!;
  assert.deepEqual(
    e.steps.map((s) => s.status),
    ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed'],
    JSON.stringify(e.steps),
  );
  for (const file of [
    'exec.out',
    'env.out',
    'script.out',
    'become.out',
    'become-env.out',
    'become-script.out',
  ]) {
    assert.equal(await readFile(join(dir, file), 'utf8'), HOSTILE, `${file}: the exact value`);
  }
  assert.equal(await readFile(join(dir, 'other.out'), 'utf8'), other);
  await assert.rejects(stat(join(dir, 'INJECTED')), 'nothing of the value ran');

  const log = await events(app, run.id, e.id);
  const text = (kind: string, step: number) =>
    log
      .filter((x) => x.kind === kind && x.step === step)
      .map((x) => x.data)
      .join('');
  assert.equal(text('stdout', 0), 'out: ***\n');
  assert.equal(text('stderr', 0), 'err: ***\n');
  assert.equal(text('stdout', 2), 'root\n');
  assert.equal(text('stderr', 4), '***\n');
  assert.ok(!JSON.stringify(log).includes(MARK), 'no stored event holds the secret');
  assert.ok(!JSON.stringify(run).includes(MARK), 'the run (failure messages included) does not');
  assert.ok(!logged.join('').includes(MARK), 'the server log does not');
});

test('a secret cannot be inserted raw, and a value that fails its rules is not repeated', async () => {
  const raw = await app.api('/jobs', {
    body: {
      document: `name: raw-secret
parameters:
  token: { type: secret, required: true }
steps:
  - { name: Raw, type: exec, command: 'echo \${{ raw parameters.token }}' }
`,
    },
  });
  assert.equal(raw.status, 400);
  assert.match(await raw.text(), /is a secret, which is never inserted raw/);

  const job = await createJob(
    app,
    `name: pattern-secret
parameters:
  token: { type: secret, required: true, pattern: "[a-z]+" }
steps:
  - { name: Echo, type: exec, command: 'echo \${{ parameters.token }}' }
`,
  );
  const bad = await app.api(`/jobs/${job.id}/runs`, {
    body: { parameters: { token: `${MARK}-UPPER` }, targets: { hosts: ['sec-host'] } },
  });
  assert.equal(bad.status, 400);
  const body = await bad.text();
  assert.match(body, /parameters\.token/);
  assert.ok(!body.includes(MARK), body);
  assert.ok(!logged.join('').includes(MARK));
});
