/**
 * Bastions with real sshd processes in network namespaces: jump-1 is reachable from the test
 * process, inner only from jump-1, deep only from inner. Runs go through the API and a worker.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { addPasswordCredential, output, type RunView, startRun, waitForRun } from './support/fleet.ts';
import { createNetnsLine, type NetnsLine } from './support/netns.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';
import { DEFAULT_USER, makeTestCertificates } from './support/winrm-server/index.ts';

/** The WinRM test server as a process inside a namespace, listening on `address` there. */
async function startWinrmInNetns(
  netns: string,
  address: string,
  tls?: { certPath: string; keyPath: string },
): Promise<{ port: number; stop(): Promise<void> }> {
  const cli = new URL('./support/winrm-server-cli.ts', import.meta.url).pathname;
  const args = [
    process.execPath,
    '--import',
    'tsx',
    cli,
    address,
    ...(tls ? [tls.certPath, tls.keyPath] : []),
  ];
  const child = spawn('ip', ['netns', 'exec', netns, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout }), 'line'),
    exited.then(() => Promise.reject(new Error('the WinRM test server exited early'))),
  ])) as [string];
  const { port } = JSON.parse(line) as { port: number };
  return {
    port,
    async stop() {
      child.stdin.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

let app: TestApp;
let line: NetnsLine;
let sshd: SshdHandle[] = [];
let credentialId: string;

interface HostView {
  id: string;
  name: string;
  jumpHost: string | null;
  hostKey: { fingerprint: string } | null;
  pendingHostKey: { fingerprint: string } | null;
  facts: { kernel: string | null; arch: string | null } | null;
}

async function addHost(name: string, address: string, jumpHost: string | null, credential = credentialId) {
  const res = await app.api('/hosts', {
    body: { name, address, port: 22, username: sshd[0]?.user, credentialId: credential, jumpHost },
  });
  assert.equal(res.status, 201, await res.clone().text());
  return (await res.json()) as HostView;
}

async function host(name: string): Promise<HostView> {
  const all = (await (await app.api('/hosts')).json()) as HostView[];
  const h = all.find((x) => x.name === name);
  assert.ok(h, `host ${name}`);
  return h;
}

async function runOn(name: string, command: string): Promise<{ run: RunView; stdout: string }> {
  const started = await startRun(app, command, [name]);
  const run = await waitForRun(app, started.id);
  const e = run.executions[0];
  assert.ok(e);
  return { run, stdout: await output(app, run.id, e.id) };
}

before(async () => {
  line = await createNetnsLine(3);
  sshd = await Promise.all(
    line.names.map((name, i) => startSshd({ netns: { name, address: line.address(i) } })),
  );
  app = await startTestApp({ env: { ORCA_CONNECT_TIMEOUT_MS: '3000' } });
  credentialId = await addPasswordCredential(app, 'pw', sshd[0]!.password);
  await addHost('jump-1', line.address(0), null);
  await addHost('inner', line.address(1), 'jump-1');
  await addHost('deep', line.address(2), 'inner');
});
after(async () => {
  await app?.stop();
  await Promise.all(sshd.map((s) => s.stop()));
  await line?.remove();
});

test('inner cannot be reached directly, and whoami through jump-1 answers from inner', async () => {
  const direct = await addHost('inner-direct', line.address(1), null);
  const check = (await (await app.api(`/hosts/${direct.id}/test`, { method: 'POST' })).json()) as {
    ok: boolean;
    failureKind: string;
  };
  assert.equal(check.ok, false);
  assert.equal(check.failureKind, 'unreachable');

  const { run, stdout } = await runOn('inner', 'whoami; echo "$SSH_CONNECTION"');
  assert.equal(run.status, 'succeeded', JSON.stringify(run.executions));
  const [user, connection] = stdout.split('\n');
  assert.equal(user, sshd[1]!.user);
  // The connection arrived from jump-1's side of the jump-1 ↔ inner link, at inner's address.
  const [from, , to] = (connection ?? '').split(' ');
  assert.equal(to, line.address(1));
  assert.equal(from, line.address(1).replace(/\.2$/, '.1'));
  const inner = await host('inner');
  assert.equal(inner.jumpHost, 'jump-1');
  // The first contact gathered the host's facts, through the bastion too.
  assert.equal(inner.facts?.kernel, release());
  assert.equal(inner.facts?.arch, execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
});

test('a chain of two bastions reaches deep, and each hop has its key recorded on first use', async () => {
  const { run, stdout } = await runOn('deep', 'whoami; echo "$SSH_CONNECTION"');
  assert.equal(run.status, 'succeeded', JSON.stringify(run.executions));
  const [user, connection] = stdout.split('\n');
  assert.equal(user, sshd[2]!.user);
  assert.equal(connection?.split(' ')[2], line.address(2));
  for (const [i, name] of ['jump-1', 'inner', 'deep'].entries()) {
    const h = await host(name);
    assert.ok(h.hostKey, `${name} has a recorded key`);
    assert.ok(sshd[i]!.hostKeyFingerprints.some((k) => k.fingerprint === h.hostKey?.fingerprint));
  }
  const check = (await (
    await app.api(`/hosts/${(await host('deep')).id}/test`, { method: 'POST' })
  ).json()) as {
    ok: boolean;
  };
  assert.equal(check.ok, true);
});

test('a wrong bastion credential fails as auth and names the bastion', async () => {
  const wrong = await addPasswordCredential(app, 'wrong', 'not-the-password');
  await addHost('jump-bad', line.address(0), null, wrong);
  await addHost('inner-via-bad', line.address(1), 'jump-bad');
  const { run } = await runOn('inner-via-bad', 'whoami');
  const e = run.executions[0]!;
  assert.equal(run.status, 'failed');
  assert.equal(e.failureKind, 'auth');
  assert.match(e.failureMessage ?? '', /^bastion jump-bad: jump-bad at .* rejected the credential/);
});

test('a loop of bastions is refused at save time, naming the field', async () => {
  const res = await app.api(`/hosts/${(await host('jump-1')).id}`, {
    method: 'PATCH',
    body: { jumpHost: 'deep' },
  });
  assert.equal(res.status, 400);
  const body = (await res.json()) as {
    error: { message: string; details: { path: string; message: string }[] };
  };
  const detail = body.error.details.find((d) => d.path === 'body.jumpHost');
  assert.equal(
    detail?.message,
    'jump-1 → deep → inner → jump-1 goes in a circle; a host cannot reach itself through its bastions',
  );
  assert.equal((await host('jump-1')).jumpHost, null);

  const unknown = await app.api('/hosts', {
    body: { name: 'x', address: '10.0.0.1', username: 'u', credentialId, jumpHost: 'nope' },
  });
  assert.equal(unknown.status, 400);
  assert.match(await unknown.text(), /body\.jumpHost.*no host named nope/);
});

test('a WinRM host behind jump-1: direct fails, through the bastion whoami and facts come back', async () => {
  const win = await startWinrmInNetns(line.names[1]!, line.address(1));
  try {
    const winCredential = await addPasswordCredential(app, 'win-pw', DEFAULT_USER.password);
    const add = async (name: string, jumpHost: string | null) => {
      const res = await app.api('/hosts', {
        body: {
          name,
          address: line.address(1),
          port: win.port,
          os: 'windows',
          username: DEFAULT_USER.username,
          credentialId: winCredential,
          jumpHost,
        },
      });
      assert.equal(res.status, 201, await res.clone().text());
      return (await res.json()) as HostView;
    };
    const direct = await add('win-direct', null);
    const refused = (await (await app.api(`/hosts/${direct.id}/test`, { method: 'POST' })).json()) as {
      ok: boolean;
      failureKind: string;
    };
    assert.equal(refused.ok, false);
    assert.equal(refused.failureKind, 'unreachable');

    const behind = await add('win-behind', 'jump-1');
    const { run, stdout } = await runOn('win-behind', 'whoami');
    assert.equal(run.status, 'succeeded', JSON.stringify(run.executions));
    assert.equal(stdout.trim(), 'wintest\\testuser');
    const check = (await (await app.api(`/hosts/${behind.id}/test`, { method: 'POST' })).json()) as {
      ok: boolean;
    };
    assert.equal(check.ok, true, JSON.stringify(check));
    const facts = (await host('win-behind')).facts as { os?: string } | null;
    assert.equal(facts?.os, 'Microsoft Windows Server 2022 Datacenter');
    // The WinRM host's credential went to it, not to the bastion, which still has its own.
    assert.equal((await host('win-behind')).jumpHost, 'jump-1');
    for (const name of ['win-direct', 'win-behind']) {
      await app.api(`/hosts/${(await host(name)).id}`, { method: 'DELETE' });
    }
  } finally {
    await win.stop();
  }
});

test('a WinRM host over HTTPS behind jump-1: TLS through the forwarded channel, its certificate verified', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-bastion-tls-'));
  const certs = await makeTestCertificates(dir, [line.address(1)]);
  const win = await startWinrmInNetns(line.names[1]!, line.address(1), certs);
  try {
    const winCredential = await addPasswordCredential(app, 'win-tls-pw', DEFAULT_USER.password);
    const res = await app.api('/hosts', {
      body: {
        name: 'win-tls',
        address: line.address(1),
        port: win.port,
        os: 'windows',
        winrm: { https: true, caCert: certs.caCert },
        username: DEFAULT_USER.username,
        credentialId: winCredential,
        jumpHost: 'jump-1',
      },
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { run, stdout } = await runOn('win-tls', 'whoami');
    assert.equal(run.status, 'succeeded', JSON.stringify(run.executions));
    assert.equal(stdout.trim(), 'wintest\\testuser');

    // Without the CA the certificate is not trusted: a protocol failure, not a silent success.
    const untrusted = await app.api(`/hosts/${(await host('win-tls')).id}`, {
      method: 'PATCH',
      body: { winrm: { caCert: null } },
    });
    assert.equal(untrusted.status, 200, await untrusted.clone().text());
    const failed = await runOn('win-tls', 'whoami');
    assert.equal(failed.run.status, 'failed');
    assert.match(failed.run.executions[0]?.failureMessage ?? '', /certificate/i);
    await app.api(`/hosts/${(await host('win-tls')).id}`, { method: 'DELETE' });
  } finally {
    await win.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('deleting a bastion in use is refused with the hosts that use it', async () => {
  const res = await app.api(`/hosts/${(await host('jump-1')).id}`, { method: 'DELETE' });
  assert.equal(res.status, 409);
  const body = (await res.json()) as { error: { message: string } };
  assert.equal(
    body.error.message,
    'host jump-1 is the bastion of inner; give them another jumpHost (or none) first',
  );
  assert.ok(await host('jump-1'));
});

test('sessions are pooled per chain: a second run reuses it, a change to the bastion opens a new one', async () => {
  const logins = async () =>
    ((await readFile(sshd[0]!.logPath, 'utf8')).match(/Accepted password for /g) ?? []).length;
  await runOn('inner', 'true');
  const before = await logins();
  const again = await runOn('inner', 'whoami');
  assert.equal(again.run.status, 'succeeded');
  assert.equal(await logins(), before, 'the pooled session through jump-1 was reused');

  // Same password, another credential: only the bastion's part of the chain changed.
  const other = await addPasswordCredential(app, 'pw-2', sshd[0]!.password);
  const jump = await host('jump-1');
  const patched = await app.api(`/hosts/${jump.id}`, { method: 'PATCH', body: { credentialId: other } });
  assert.equal(patched.status, 200);
  const changed = await runOn('inner', 'whoami');
  assert.equal(changed.run.status, 'succeeded', JSON.stringify(changed.run.executions));
  assert.equal(await logins(), before + 1, 'a new connection through jump-1 was opened');
});

test('a changed bastion host key fails as host-key naming the bastion, until it is accepted', async () => {
  const recorded = (await host('jump-1')).hostKey;
  await sshd[0]!.restartWithNewHostKeys();
  const { run } = await runOn('inner', 'whoami');
  const e = run.executions[0]!;
  assert.equal(e.failureKind, 'host-key');
  assert.match(e.failureMessage ?? '', /^bastion jump-1: host key for jump-1 changed/);
  const jump = await host('jump-1');
  assert.deepEqual(jump.hostKey, recorded);
  assert.ok(sshd[0]!.hostKeyFingerprints.some((k) => k.fingerprint === jump.pendingHostKey?.fingerprint));
  assert.equal((await host('inner')).pendingHostKey, null);

  const accepted = await app.api(`/hosts/${jump.id}/accept-host-key`, { method: 'POST' });
  assert.equal(accepted.status, 200);
  const again = await runOn('inner', 'whoami');
  assert.equal(again.run.status, 'succeeded', JSON.stringify(again.run.executions));
  assert.equal(again.stdout, `${sshd[1]!.user}\n`);
});
