/** End to end through the API, a real worker and real sshd processes. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import {
  addHost,
  addPasswordCredential,
  output,
  registerSshd,
  startRun,
  waitForRun,
} from './support/fleet.ts';
import { freePort, type SshdHandle, startSilentTcpServer, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshdA: SshdHandle;
let sshdB: SshdHandle;

before(async () => {
  [app, sshdA, sshdB] = await Promise.all([
    startTestApp({ env: { ORCA_CONNECT_TIMEOUT_MS: '3000' } }),
    startSshd(),
    startSshd(),
  ]);
  await registerSshd(app, sshdA, 'web-1');
  await registerSshd(app, sshdB, 'web-2');
});
after(async () => {
  await app?.stop();
  await Promise.all([sshdA?.stop(), sshdB?.stop()]);
});

test('whoami runs on two hosts and each reports the remote user', async () => {
  const run = await startRun(app, 'whoami', ['web-1', 'web-2']);
  assert.equal(run.executions.length, 2);
  const done = await waitForRun(app, run.id);
  assert.equal(done.status, 'succeeded');
  for (const e of done.executions) {
    assert.equal(e.status, 'succeeded');
    assert.equal(e.exitCode, 0);
    assert.equal(await output(app, run.id, e.id), `${sshdA.user}\n`);
  }
});

test('the host key is recorded on first contact and equals the one sshd has', async () => {
  const hosts = (await (await app.api('/hosts')).json()) as {
    name: string;
    hostKey: { fingerprint: string } | null;
  }[];
  const web1 = hosts.find((h) => h.name === 'web-1');
  assert.ok(web1?.hostKey);
  assert.ok(sshdA.hostKeyFingerprints.some((k) => k.fingerprint === web1.hostKey?.fingerprint));
});

test('one failing host does not stop the others, and each failure has its kind', async () => {
  const credentialId = await addPasswordCredential(app, 'wrong-pw', 'definitely-wrong');
  await addHost(app, { name: 'bad-auth', port: sshdA.port, username: sshdA.user, credentialId });
  const closedPort = await freePort();
  await addHost(app, { name: 'closed', port: closedPort, username: 'x', credentialId });
  const silent = await startSilentTcpServer();
  await addHost(app, { name: 'silent', port: silent.port, username: 'x', credentialId });
  try {
    const run = await startRun(app, 'echo ok; exit 3', ['web-1', 'bad-auth', 'closed', 'silent']);
    const done = await waitForRun(app, run.id);
    assert.equal(done.status, 'failed');
    const by = Object.fromEntries(done.executions.map((e) => [e.hostName, e]));
    assert.equal(by['web-1']?.failureKind, 'nonzero-exit');
    assert.equal(by['web-1']?.exitCode, 3);
    assert.equal(await output(app, run.id, by['web-1']!.id), 'ok\n');
    assert.equal(by['bad-auth']?.failureKind, 'auth');
    assert.equal(by.closed?.failureKind, 'unreachable');
    assert.equal(by.silent?.failureKind, 'timeout');
    for (const e of done.executions) assert.ok(e.failureMessage && e.failureMessage.length > 10, e.hostName);
    // The wrong password never shows up anywhere the user can read.
    const text = JSON.stringify(done) + (await (await app.api(`/runs/${run.id}/log`)).text());
    assert.ok(!text.includes('definitely-wrong'));
  } finally {
    await silent.stop();
  }
});

test('a command that outlives its timeout is killed and fails as timeout', async () => {
  const run = await startRun(app, 'echo started; sleep 60', ['web-2'], 1);
  const done = await waitForRun(app, run.id);
  const e = done.executions[0]!;
  assert.equal(e.failureKind, 'timeout');
  assert.equal(await output(app, run.id, e.id), 'started\n');
});

test('a changed host key fails that host as host-key until the new key is accepted', async () => {
  await sshdB.restartWithNewHostKeys();
  const run = await startRun(app, 'whoami', ['web-2']);
  const done = await waitForRun(app, run.id);
  const e = done.executions[0]!;
  assert.equal(e.failureKind, 'host-key', String(e.failureMessage));
  assert.match(e.failureMessage ?? '', /accept/i);
  const hosts = (await (await app.api('/hosts')).json()) as {
    id: string;
    name: string;
    pendingHostKey: unknown;
  }[];
  const web2 = hosts.find((h) => h.name === 'web-2')!;
  assert.ok(web2.pendingHostKey);
  const accepted = await app.api(`/hosts/${web2.id}/accept-host-key`, { method: 'POST' });
  assert.equal(accepted.status, 200);
  const again = await waitForRun(app, (await startRun(app, 'whoami', ['web-2'])).id);
  assert.equal(again.status, 'succeeded');
});

test('cancel kills a running command and marks the run canceled', async () => {
  const run = await startRun(app, 'echo begin; sleep 120', ['web-1']);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const r = (await (await app.api(`/runs/${run.id}`)).json()) as { executions: { id: string }[] };
    if ((await output(app, run.id, r.executions[0]!.id)).includes('begin')) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const res = await app.api(`/runs/${run.id}/cancel`, { method: 'POST' });
  assert.equal(res.status, 200);
  const done = await waitForRun(app, run.id, 20_000);
  assert.equal(done.status, 'canceled');
  assert.equal(done.executions[0]?.failureKind, 'canceled');
});

test('Test connection answers through a worker with success or the typed failure', async () => {
  const hosts = (await (await app.api('/hosts')).json()) as { id: string; name: string }[];
  const ok = await app.api(`/hosts/${hosts.find((h) => h.name === 'web-1')!.id}/test`, { method: 'POST' });
  const okBody = (await ok.json()) as { ok: boolean; latencyMs: number };
  assert.equal(okBody.ok, true);
  assert.ok(okBody.latencyMs >= 0);
  const bad = await app.api(`/hosts/${hosts.find((h) => h.name === 'bad-auth')!.id}/test`, {
    method: 'POST',
  });
  const badBody = (await bad.json()) as { ok: boolean; failureKind: string };
  assert.equal(badBody.ok, false);
  assert.equal(badBody.failureKind, 'auth');
  const listed = (await (await app.api('/hosts')).json()) as {
    name: string;
    lastCheck: { ok: boolean } | null;
  }[];
  assert.equal(listed.find((h) => h.name === 'web-1')?.lastCheck?.ok, true);
});

test('a separately started worker picks up executions', async () => {
  await app.stopWorkers();
  const run = await startRun(app, 'whoami', ['web-1']);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(((await (await app.api(`/runs/${run.id}`)).json()) as { status: string }).status, 'queued');
  await app.startWorker(2);
  assert.equal((await waitForRun(app, run.id)).status, 'succeeded');
});

test("the host's password is masked in output, even when the command prints it", async () => {
  const run = await startRun(app, `echo "pw=${sshdA.password}"; echo "${sshdA.password}" >&2`, ['web-1']);
  const done = await waitForRun(app, run.id);
  const e = done.executions[0]!;
  assert.equal(await output(app, run.id, e.id), 'pw=***\n');
  assert.equal(await output(app, run.id, e.id, 'stderr'), '***\n');
  const { rows } = await app.database.handle.pool.query(
    'select data from execution_events where execution_id = $1',
    [e.id],
  );
  assert.ok(rows.every((r: { data: string }) => !r.data.includes(sshdA.password)));
});
