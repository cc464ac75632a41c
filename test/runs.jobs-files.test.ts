/** Job steps that move files (upload, download, sync), local steps and connection retries, on real sshd hosts. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { addHost, addPasswordCredential, registerSshd } from './support/fleet.ts';
import { createJob, events, launch, stepOutput, waitForJobRun } from './support/jobs.ts';
import { freePort, type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;
let remote: string;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

before(async () => {
  [app, sshd] = await Promise.all([startTestApp({ env: { ORCA_CONNECT_TIMEOUT_MS: '3000' } }), startSshd()]);
  await registerSshd(app, sshd, 'files-1');
  // The test sshd runs commands as a local user: a directory it may write, visible to the test.
  remote = await mkdtemp(join(tmpdir(), 'orca-remote-'));
  await import('node:fs/promises').then((fs) => fs.chmod(remote, 0o777));
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
  await rm(remote, { recursive: true, force: true });
});

test('upload, sync and download move files with their checksums; artifacts download from the run', async () => {
  const files = app.config.filesDir;
  const payload = randomBytes(3 * 1024 * 1024 + 17);
  await writeFile(join(files, 'payload.bin'), payload);
  await mkdir(join(files, 'site', 'sub dir'), { recursive: true });
  await writeFile(join(files, 'site', 'index.html'), '<h1>v1</h1>');
  await writeFile(join(files, 'site', 'sub dir', 'it’s.txt'), 'unicode name');
  const job = await createJob(
    app,
    `
name: Files
parameters:
  dest: { type: string }
steps:
  - { name: Up, type: upload, source: payload.bin, destination: '\${{ parameters.dest }}/releases/' }
  - { name: Site, type: sync, source: site, destination: '\${{ parameters.dest }}/site' }
  - { name: Check, type: exec, command: 'sha256sum \${{ parameters.dest }}/releases/payload.bin' }
  - { name: Back, type: download, source: '\${{ parameters.dest }}/releases/payload.bin', artifact: payload-copy.bin }
  - { name: Build, type: local, command: 'pwd; echo built > out.txt' }
`,
  );
  const params = { parameters: { dest: remote }, targets: { hosts: ['files-1'] } };
  const r = await waitForJobRun(app, (await launch(app, job.id, params)).id);
  assert.equal(r.status, 'succeeded', JSON.stringify(r.executions));
  const e = r.executions[0]!;
  // The directory the upload names did not exist: it was created.
  assert.deepEqual((await readFile(join(remote, 'releases', 'payload.bin'))).equals(payload), true);
  assert.equal(await readFile(join(remote, 'site', 'sub dir', 'it’s.txt'), 'utf8'), 'unicode name');
  assert.equal((await stepOutput(app, r.id, e.id, 2)).split(' ')[0], sha(payload));
  assert.equal(await stepOutput(app, r.id, e.id, 4), `${files}\n`);
  assert.equal(await readFile(join(files, 'out.txt'), 'utf8'), 'built\n');
  const log = (await events(app, r.id, e.id)).filter((x) => x.kind === 'system').map((x) => x.data);
  assert.ok(log.some((l) => l.includes(`sha256 ${sha(payload)}`)));
  assert.ok(
    log.some((l) => /synced .* 2 file\(s\) copied/.test(l)),
    log.join('\n'),
  );

  assert.equal(r.artifacts.length, 1);
  const art = r.artifacts[0]!;
  assert.equal(art.name, 'payload-copy.bin');
  assert.equal(art.size, payload.length);
  assert.equal(art.sha256, sha(payload));
  const res = await app.api(`/runs/${r.id}/artifacts/${art.id}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition') ?? '', /payload-copy\.bin/);
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(payload));

  // A second run changes one file: sync copies only it.
  await writeFile(join(files, 'site', 'index.html'), '<h1>v2</h1>');
  const again = await waitForJobRun(app, (await launch(app, job.id, params)).id);
  assert.equal(again.status, 'succeeded');
  const log2 = (await events(app, again.id, again.executions[0]!.id)).map((x) => x.data).join('\n');
  assert.match(log2, /synced .* 1 file\(s\) copied .* 1 unchanged/);
  assert.equal(await readFile(join(remote, 'site', 'index.html'), 'utf8'), '<h1>v2</h1>');
});

test('a source outside the files directory and a missing remote file fail the step with what to do', async () => {
  const job = await createJob(
    app,
    `
name: Bad files
steps:
  - { name: Escape, type: upload, source: ../master.key, destination: /tmp/x, continueOnError: true }
  - { name: Missing, type: download, source: /nonexistent/file.txt }
`,
  );
  const r = await waitForJobRun(app, (await launch(app, job.id, { targets: { hosts: ['files-1'] } })).id);
  assert.equal(r.status, 'failed');
  const [outside, missing] = r.executions[0]!.steps;
  assert.equal(outside?.status, 'failed');
  assert.match(outside?.failureMessage ?? '', /outside the worker's files directory/);
  assert.equal(missing?.status, 'failed');
  assert.match(missing?.failureMessage ?? '', /no such file/i);
  assert.deepEqual(r.artifacts, [], 'a failed download keeps no partial artifact');
});

test('connection failures are retried with backoff; a command that ran and failed is not', async () => {
  const wrongPort = await freePort();
  const credentialId = await addPasswordCredential(app, 'pw-retry', sshd.password);
  await addHost(app, { name: 'closed-1', port: wrongPort, username: sshd.user, credentialId });
  const job = await createJob(
    app,
    `
name: Retries
steps:
  - { name: Try, type: exec, command: 'exit 5', retries: { attempts: 2, backoff: 0.1 } }
`,
  );
  const r = await waitForJobRun(
    app,
    (await launch(app, job.id, { targets: { hosts: ['closed-1', 'files-1'] } })).id,
  );
  const by = Object.fromEntries(r.executions.map((e) => [e.hostName, e]));
  assert.equal(by['closed-1']?.failureKind, 'unreachable');
  assert.equal(by['closed-1']?.steps[0]?.attempts, 3);
  assert.equal(by['files-1']?.failureKind, 'nonzero-exit');
  assert.equal(by['files-1']?.steps[0]?.attempts, 1);
  const log = (await events(app, r.id, by['closed-1']!.id)).map((x) => x.data).join('\n');
  assert.match(log, /attempt 1 of 3 failed .* retrying in 0.1s/);
  assert.match(log, /attempt 2 of 3 failed .* retrying in 0.2s/);
});
