/**
 * `become` steps through real sudo on a real sshd: the test user gets password-protected sudo
 * rights for the length of this file. The login password reaches sudo on the channel, never on a
 * command line; a login without a password needs passwordless sudo, and says so when it fails.
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { addHost, addPasswordCredential, registerSshd } from './support/fleet.ts';
import { createJob, launch, stepOutput, waitForJobRun } from './support/jobs.ts';
import { type SshdHandle, startSshd, TEST_USER } from './support/sshd.ts';

const SUDOERS = `/etc/sudoers.d/orca-become-test-${process.pid}`;
let app: TestApp;
let sshd: SshdHandle;
let keyCredential = '';

before(async () => {
  [app, sshd] = await Promise.all([startTestApp(), startSshd()]);
  await writeFile(SUDOERS, `${TEST_USER} ALL=(ALL:ALL) ALL\n`, { mode: 0o440 });
  await registerSshd(app, sshd, 'pw-host');
  const key = await app.api('/credentials', {
    body: { name: 'key', kind: 'ssh-key', privateKey: sshd.clientKeys.plain },
  });
  const { id } = (await key.json()) as { id: string };
  keyCredential = id;
  await addHost(app, { name: 'key-host', port: sshd.port, username: sshd.user, credentialId: id });
});
after(async () => {
  await rm(SUDOERS, { force: true });
  await app?.stop();
  await sshd?.stop();
});

test('exec and script steps run as root or another user through sudo, with their environment', async () => {
  const job = await createJob(
    app,
    `name: as-root
steps:
  - name: Root
    type: exec
    command: 'id -un; echo "$GREETING"'
    env: { GREETING: "it's me" }
    become: true
  - name: Nobody
    type: script
    script: |
      id -un
      pwd
    cwd: /tmp
    become: nobody
  - name: Plain
    type: exec
    command: id -un
`,
  );
  const run = await waitForJobRun(app, (await launch(app, job.id, { targets: { hosts: ['pw-host'] } })).id);
  const e = run.executions[0]!;
  assert.equal(run.status, 'succeeded', JSON.stringify(run.executions));
  assert.equal(await stepOutput(app, run.id, e.id, 0), "root\nit's me\n");
  assert.equal(await stepOutput(app, run.id, e.id, 1), 'nobody\n/tmp\n');
  assert.equal(await stepOutput(app, run.id, e.id, 2), `${sshd.user}\n`);
});

test('a key login needs passwordless sudo: without it the step fails and says why', async () => {
  const job = await createJob(
    app,
    'name: as-root-by-key\nsteps:\n  - { name: Root, type: exec, command: id -un, become: true }\n',
  );
  const run = await waitForJobRun(app, (await launch(app, job.id, { targets: { hosts: ['key-host'] } })).id);
  const step = run.executions[0]?.steps[0];
  assert.deepEqual([step?.status, step?.failureKind], ['failed', 'nonzero-exit']);
  const res = await app.api(`/runs/${run.id}/log?execution=${run.executions[0]!.id}&limit=5000`);
  const log = ((await res.json()) as { events: { kind: string; data: string }[] }).events;
  assert.match(
    log
      .filter((x) => x.kind === 'stderr')
      .map((x) => x.data)
      .join(''),
    /password is required/,
  );
});

test('a key login with a become credential gives sudo that password; the credential must be a password', async () => {
  const pw = await addPasswordCredential(app, 'sudo-pw', sshd.password);
  const host = await app.api('/hosts', {
    body: {
      name: 'key-host-sudo',
      address: '127.0.0.1',
      port: sshd.port,
      username: sshd.user,
      credentialId: keyCredential,
      becomeCredentialId: pw,
    },
  });
  const text = await host.text();
  assert.equal(host.status, 201, text);
  assert.equal((JSON.parse(text) as { becomeCredentialName: string }).becomeCredentialName, 'sudo-pw');
  const job = await createJob(
    app,
    'name: as-root-sudo\nsteps:\n  - { name: Root, type: exec, command: id -un, become: true }\n',
  );
  const run = await waitForJobRun(
    app,
    (await launch(app, job.id, { targets: { hosts: ['key-host-sudo'] } })).id,
  );
  assert.equal(run.status, 'succeeded', JSON.stringify(run.executions));
  assert.equal(await stepOutput(app, run.id, run.executions[0]!.id, 0), 'root\n');
  const bad = await app.api('/hosts', {
    body: {
      name: 'bad-sudo',
      address: '127.0.0.1',
      port: sshd.port,
      username: sshd.user,
      credentialId: keyCredential,
      becomeCredentialId: keyCredential,
    },
  });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /becomeCredentialId.*sudo needs a password credential/);
});

test('become is refused where it cannot work', async () => {
  const res = await app.api('/jobs', {
    body: {
      document:
        'name: bad-become\nsteps:\n  - { name: U, type: upload, source: a, destination: /tmp/, become: true }\n',
    },
  });
  assert.equal(res.status, 400);
  const bad = await app.api('/jobs', {
    body: {
      document:
        'name: bad-user\nsteps:\n  - { name: X, type: exec, command: "true", become: "root; rm -rf /" }\n',
    },
  });
  assert.equal(bad.status, 400);
});
