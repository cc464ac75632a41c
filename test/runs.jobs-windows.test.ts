/**
 * Jobs on a mixed fleet: a Linux host over SSH (real sshd) and a Windows host over WinRM (the
 * test server, NTLM with message encryption). Per-OS command and script variants, parameter
 * values quoted for each shell, and files uploaded to and downloaded from Windows.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { addPasswordCredential, registerSshd } from './support/fleet.ts';
import { byHost, createJob, events, launch, stepOutput, waitForJobRun } from './support/jobs.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';
import { DEFAULT_USER, startWinrmServer, type WinrmTestServer } from './support/winrm-server/index.ts';

let app: TestApp;
let sshd: SshdHandle;
let win: WinrmTestServer;

before(async () => {
  [app, sshd, win] = await Promise.all([
    startTestApp({ env: { ORCA_CONNECT_TIMEOUT_MS: '5000' } }),
    startSshd(),
    startWinrmServer(),
  ]);
  await registerSshd(app, sshd, 'linux-1');
  const credentialId = await addPasswordCredential(app, 'win-pw', DEFAULT_USER.password);
  const res = await app.api('/hosts', {
    body: {
      name: 'win-1',
      address: '127.0.0.1',
      os: 'windows',
      port: win.port,
      username: DEFAULT_USER.username,
      credentialId,
    },
  });
  assert.equal(res.status, 201, await res.text());
});
after(async () => {
  await app?.stop();
  await Promise.all([sshd?.stop(), win?.close()]);
});

const HOSTILE = `it's "$(id)" \`whoami\`; Remove-Item -Recurse C:\\ # \u2019quote\u2019`;

test('one job runs its per-OS exec and script variants on Linux and Windows, values quoted for each shell', async () => {
  const job = await createJob(
    app,
    `name: mixed-fleet
parameters:
  message: { type: string, required: true }
steps:
  - name: Say
    type: exec
    command:
      linux: printf '%s\\n' \${{ parameters.message }}
      windows: Write-Output \${{ parameters.message }}
  - name: Script
    type: script
    script:
      linux: |
        echo "from sh as $(whoami)"
        printf '%s\\n' \${{ parameters.message }}
      windows: |
        Write-Output 'from PowerShell as'
        whoami
        Write-Output \${{ parameters.message }}
        exit 0
  - name: Who
    type: exec
    command: whoami
`,
  );
  const run = await launch(app, job.id, {
    parameters: { message: HOSTILE },
    targets: { hosts: ['linux-1', 'win-1'] },
  });
  const done = await waitForJobRun(app, run.id);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.executions));
  const hosts = byHost(done.executions);
  const linux = hosts['linux-1']!;
  const windows = hosts['win-1']!;
  assert.deepEqual(
    windows.steps.map((s) => [s.id, s.status, s.exitCode]),
    [
      ['say', 'succeeded', 0],
      ['script', 'succeeded', 0],
      ['who', 'succeeded', 0],
    ],
  );
  assert.equal(await stepOutput(app, run.id, linux.id, 0), `${HOSTILE}\n`);
  assert.equal((await stepOutput(app, run.id, windows.id, 0)).trimEnd(), HOSTILE);
  assert.equal(await stepOutput(app, run.id, linux.id, 1), `from sh as ${sshd.user}\n${HOSTILE}\n`);
  assert.deepEqual((await stepOutput(app, run.id, windows.id, 1)).trimEnd().split(/\r?\n/), [
    'from PowerShell as',
    'wintest\\testuser',
    HOSTILE,
  ]);
  assert.equal((await stepOutput(app, run.id, windows.id, 2)).trim(), 'wintest\\testuser');
  const temp = await readdir(win.hostPath(`C:\\Users\\${DEFAULT_USER.username}\\AppData\\Local\\Temp`));
  assert.deepEqual(temp, [], 'the script file was removed from %TEMP% afterwards');
  assert.equal(win.stats.openShells, 0);
});

test('a failing Windows script step fails the host with its exit code; the Linux host is unaffected', async () => {
  const job = await createJob(
    app,
    `name: windows-fails
steps:
  - name: Check
    type: script
    script:
      linux: echo fine
      windows: |
        Write-Output 'checking'
        Write-Error 'service WebApp is missing'
        exit 4
  - name: After
    type: exec
    command: whoami
  - name: Cleanup
    type: exec
    command: Write-Output cleaned
    when: failure
`,
  );
  const run = await launch(app, job.id, { targets: { hosts: ['linux-1', 'win-1'] } });
  const done = await waitForJobRun(app, run.id);
  assert.equal(done.status, 'failed');
  const hosts = byHost(done.executions);
  assert.equal(hosts['linux-1']!.status, 'succeeded');
  const w = hosts['win-1']!;
  assert.equal(w.status, 'failed');
  assert.deepEqual(
    w.steps.map((s) => [s.id, s.status, s.exitCode, s.failureKind]),
    [
      ['check', 'failed', 4, 'nonzero-exit'],
      ['after', 'skipped', null, null],
      ['cleanup', 'succeeded', 0, null],
    ],
  );
  assert.equal((await stepOutput(app, run.id, w.id, 0)).trim(), 'checking');
  assert.equal((await stepOutput(app, run.id, w.id, 2)).trim(), 'cleaned');
});

test('files go up to a Windows host and come back as artifacts, checked on the way', async () => {
  const payload = `release 2.4.1\r\n${'x'.repeat(300_000)}\r\nend\r\n`;
  const files = app.config.filesDir;
  await writeFile(join(files, 'release.txt'), payload);
  await mkdir(join(files, 'site', 'sub dir'), { recursive: true });
  await writeFile(join(files, 'site', 'index.html'), '<h1>v1</h1>');
  await writeFile(join(files, 'site', 'sub dir', 'it\u2019s.txt'), 'unicode name');
  const job = await createJob(
    app,
    `name: windows-files
steps:
  - name: Ship
    type: upload
    source: release.txt
    destination: C:\\Deploy\\releases\\
  - name: Install
    type: exec
    command: |
      [System.IO.File]::Delete('C:\\Deploy\\installed.txt')
      [System.IO.File]::Move('C:\\Deploy\\releases\\release.txt', 'C:\\Deploy\\installed.txt')
  - name: Site
    type: sync
    source: site
    destination: C:\\Deploy\\site
  - name: Collect
    type: download
    source: C:\\Deploy\\installed.txt
    artifact: installed.txt
`,
  );
  const run = await launch(app, job.id, { targets: { hosts: ['win-1'] } });
  const done = await waitForJobRun(app, run.id);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.executions));
  assert.equal(
    await readFile(win.hostPath('C:\\Deploy\\installed.txt'), 'utf8'),
    payload,
    'the upload arrived whole and the command moved it',
  );
  assert.deepEqual(
    done.artifacts.map((a) => [a.name, a.size, a.hostName]),
    [['installed.txt', Buffer.byteLength(payload), 'win-1']],
  );
  assert.equal(
    await readFile(win.hostPath('C:\\Deploy\\site\\sub dir\\it\u2019s.txt'), 'utf8'),
    'unicode name',
  );
  assert.match(await systemLog(done.id, done.executions[0]!.id), /synced .* 2 file\(s\) copied/);
  const artifact = done.artifacts[0]!;
  const res = await app.api(`/runs/${run.id}/artifacts/${artifact.id}`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), payload);

  // Again, with one file changed: the sync copies only that one.
  await writeFile(join(files, 'site', 'index.html'), '<h1>v2</h1>');
  const again = await waitForJobRun(app, (await launch(app, job.id, { targets: { hosts: ['win-1'] } })).id);
  assert.equal(again.status, 'succeeded', JSON.stringify(again.executions));
  assert.match(await systemLog(again.id, again.executions[0]!.id), /synced .* 1 file\(s\) copied/);
  assert.equal(await readFile(win.hostPath('C:\\Deploy\\site\\index.html'), 'utf8'), '<h1>v2</h1>');
});

async function systemLog(runId: string, executionId: string): Promise<string> {
  return (await events(app, runId, executionId))
    .filter((e) => e.kind === 'system')
    .map((e) => e.data)
    .join('\n');
}
