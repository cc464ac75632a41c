/**
 * Windows hosts end to end: the API, a real worker, the WinRM test server (NTLM with message
 * encryption, validated by pywinrm) and a real sshd for the Linux half of a mixed fleet.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { addPasswordCredential, output, registerSshd, startRun, waitForRun } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';
import { DEFAULT_USER, startWinrmServer, type WinrmTestServer } from './support/winrm-server/index.ts';

let app: TestApp;
let sshd: SshdHandle;
let win: WinrmTestServer;
let credentialId: string;

interface HostView {
  id: string;
  name: string;
  os: string;
  transport: string;
  shell: string;
  port: number;
  winrm: { https: boolean; auth: string } | null;
  hostKey: unknown;
}

async function addWindowsHost(name: string, body: Record<string, unknown> = {}): Promise<Response> {
  return app.api('/hosts', {
    body: {
      name,
      address: '127.0.0.1',
      os: 'windows',
      port: win.port,
      username: DEFAULT_USER.username,
      credentialId,
      ...body,
    },
  });
}

before(async () => {
  [app, sshd, win] = await Promise.all([
    startTestApp({ env: { ORCA_CONNECT_TIMEOUT_MS: '5000' } }),
    startSshd(),
    startWinrmServer(),
  ]);
  await registerSshd(app, sshd, 'linux-1');
  credentialId = await addPasswordCredential(app, 'win-pw', DEFAULT_USER.password);
  const res = await addWindowsHost('win-1');
  assert.equal(res.status, 201, await res.text());
});
after(async () => {
  await app?.stop();
  await Promise.all([sshd?.stop(), win?.close()]);
});

test('a Windows host defaults to WinRM with NTLM encryption and PowerShell', async () => {
  const hosts = (await (await app.api('/hosts')).json()) as HostView[];
  const host = hosts.find((h) => h.name === 'win-1');
  assert.equal(host?.os, 'windows');
  assert.equal(host?.transport, 'winrm');
  assert.equal(host?.shell, 'powershell');
  assert.deepEqual(host?.winrm, {
    https: false,
    auth: 'negotiate',
    allowUnencrypted: false,
    caCert: null,
    skipVerify: false,
  });
  assert.equal(hosts.find((h) => h.name === 'linux-1')?.winrm, null);
});

test('whoami runs on a Linux and a Windows host in one run', async () => {
  const run = await startRun(app, 'whoami', ['linux-1', 'win-1']);
  const done = await waitForRun(app, run.id);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.executions));
  const by = (name: string) => done.executions.find((e) => e.hostName === name)!;
  assert.equal(await output(app, run.id, by('linux-1').id), `${sshd.user}\n`);
  assert.equal((await output(app, run.id, by('win-1').id)).trim(), 'wintest\\testuser');
  assert.equal(win.stats.openShells, 0);
});

test('a failing PowerShell command stores its decoded error and exit code', async () => {
  const run = await startRun(app, "Write-Output 'half'\nWrite-Error 'disk is full'\nexit 9", ['win-1']);
  const done = await waitForRun(app, run.id);
  const e = done.executions[0]!;
  assert.equal(e.status, 'failed');
  assert.equal(e.failureKind, 'nonzero-exit');
  assert.equal(e.exitCode, 9);
  assert.equal((await output(app, run.id, e.id)).trim(), 'half');
  const stderr = await output(app, run.id, e.id, 'stderr');
  assert.match(stderr, /disk is full/);
  assert.doesNotMatch(stderr, /CLIXML|<Objs/);
});

test('cancel terminates the remote process and the run ends canceled', async () => {
  const run = await startRun(app, "Write-Output 'begin'\nStart-Sleep -Seconds 120", ['win-1']);
  const id = run.executions[0]!.id;
  const deadline = Date.now() + 20_000;
  while (!(await output(app, run.id, id)).includes('begin') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const terminated = win.stats.signals.terminate ?? 0;
  assert.equal((await app.api(`/runs/${run.id}/cancel`, { method: 'POST' })).status, 200);
  const done = await waitForRun(app, run.id, 20_000);
  assert.equal(done.status, 'canceled');
  assert.equal(done.executions[0]?.failureKind, 'canceled');
  assert.equal(win.stats.signals.terminate, terminated + 1);
  assert.equal(win.stats.runningProcesses, 0);
  assert.equal(win.stats.openShells, 0);
});

test("the Windows account's password is masked in output", async () => {
  const run = await startRun(app, `Write-Output 'pw=${DEFAULT_USER.password}'`, ['win-1']);
  const done = await waitForRun(app, run.id);
  assert.equal((await output(app, run.id, done.executions[0]!.id)).trim(), 'pw=***');
});

test('Test connection on a Windows host succeeds, and a wrong password fails as auth', async () => {
  const hosts = (await (await app.api('/hosts')).json()) as HostView[];
  const ok = await app.api(`/hosts/${hosts.find((h) => h.name === 'win-1')!.id}/test`, { method: 'POST' });
  assert.equal(((await ok.json()) as { ok: boolean }).ok, true);
  const wrong = await addPasswordCredential(app, 'win-wrong', 'not-the-password');
  const created = (await (await addWindowsHost('win-bad', { credentialId: wrong })).json()) as HostView;
  const bad = (await (await app.api(`/hosts/${created.id}/test`, { method: 'POST' })).json()) as {
    ok: boolean;
    failureKind: string;
    message: string;
  };
  assert.equal(bad.ok, false);
  assert.equal(bad.failureKind, 'auth');
  assert.match(bad.message, /testuser/);
});

test('settings that cannot work are refused with the field named, and nothing is created', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ os: 'linux', transport: 'winrm' }, 'body.transport'],
    [{ winrm: { auth: 'basic' } }, 'body.winrm.auth'],
    [{ shell: 'sh' }, 'body.shell'],
    [{ winrm: { https: false, skipVerify: true } }, 'body.winrm.https'],
    [{ winrm: { bogus: true } }, 'body.winrm'],
    [{ transport: 'telnet' }, 'body.transport'],
  ];
  for (const [body, path] of cases) {
    const res = await addWindowsHost('win-invalid', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    const error = ((await res.json()) as { error: { details: { path: string }[] } }).error;
    assert.ok(
      error.details.some((d) => d.path.startsWith(path)),
      `${JSON.stringify(body)}: ${JSON.stringify(error.details)}`,
    );
  }
  const hosts = (await (await app.api('/hosts')).json()) as HostView[];
  assert.ok(!hosts.some((h) => h.name === 'win-invalid'));
});

test('switching a host to HTTPS moves its default port; an update keeps what it does not mention', async () => {
  const created = (await (await addWindowsHost('win-edit', { port: undefined })).json()) as HostView;
  assert.equal(created.port, 5985);
  const patched = (await (
    await app.api(`/hosts/${created.id}`, { method: 'PATCH', body: { winrm: { https: true } } })
  ).json()) as HostView;
  assert.equal(patched.port, 5986);
  assert.equal(patched.winrm?.auth, 'negotiate');
  assert.equal(patched.shell, 'powershell');
  const ssh = (await (
    await app.api(`/hosts/${created.id}`, { method: 'PATCH', body: { transport: 'ssh' } })
  ).json()) as HostView;
  assert.deepEqual([ssh.transport, ssh.port, ssh.winrm, ssh.shell], ['ssh', 22, null, 'powershell']);
});
