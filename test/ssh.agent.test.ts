/**
 * ssh-agent credentials with a real `ssh-agent` holding the test key and a real sshd: runs log in
 * with the worker's agent (nothing secret stored in orca), forwarding is on only when asked, and a
 * worker without an agent fails as `auth` saying so.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startTestApp, type TestApp } from './support/app.ts';
import { addHost, output, startRun, waitForRun } from './support/fleet.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

const run = promisify(execFile);
let dir: string;
let agent: ChildProcess;
let socket: string;
let app: TestApp;
let noAgent: TestApp;
let sshd: SshdHandle;

before(async () => {
  sshd = await startSshd();
  dir = await mkdtemp(join(tmpdir(), 'orca-agent-'));
  socket = join(dir, 'agent.sock');
  agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
  const key = join(dir, 'id_ed25519');
  await writeFile(key, sshd.clientKeys.plain, { mode: 0o600 });
  await run('ssh-add', [key], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
  [app, noAgent] = await Promise.all([
    startTestApp({ env: { ORCA_SSH_AGENT_SOCK: socket } }),
    startTestApp({ env: { ORCA_CONNECT_TIMEOUT_MS: '3000' } }),
  ]);
});
after(async () => {
  await Promise.all([app?.stop(), noAgent?.stop()]);
  agent?.kill();
  await sshd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function agentCredential(target: TestApp, name: string, forward?: boolean): Promise<string> {
  const res = await target.api('/credentials', {
    body: { name, kind: 'ssh-agent', ...(forward !== undefined && { forward }) },
  });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  const c = JSON.parse(text) as { id: string; kind: string; fingerprint: string | null };
  assert.deepEqual([c.kind, c.fingerprint], ['ssh-agent', null]);
  return c.id;
}

test("a run logs in with the worker's agent; the agent reaches the host only when forwarded", async () => {
  const plain = await agentCredential(app, 'agent');
  const forwarded = await agentCredential(app, 'agent-fwd', true);
  await addHost(app, { name: 'via-agent', port: sshd.port, username: sshd.user, credentialId: plain });
  await addHost(app, {
    name: 'via-agent-fwd',
    port: sshd.port,
    username: sshd.user,
    credentialId: forwarded,
  });
  const r = await startRun(
    app,
    'whoami; if [ -n "$SSH_AUTH_SOCK" ]; then ssh-add -l; else echo no-agent; fi',
    ['via-agent', 'via-agent-fwd'],
  );
  const done = await waitForRun(app, r.id);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.executions));
  const by = Object.fromEntries(done.executions.map((e) => [e.hostName, e]));
  assert.equal(await output(app, r.id, by['via-agent']!.id), `${sshd.user}\nno-agent\n`);
  const fwd = await output(app, r.id, by['via-agent-fwd']!.id);
  assert.match(
    fwd,
    new RegExp(`^${sshd.user}\\n256 SHA256:\\S+ .*\\(ED25519\\)\\n$`),
    'the forwarded agent lists the key',
  );
});

test('a worker without an agent fails the host as auth, saying what to set', async () => {
  const id = await agentCredential(noAgent, 'agent');
  await addHost(noAgent, { name: 'nowhere', port: sshd.port, username: sshd.user, credentialId: id });
  const done = await waitForRun(noAgent, (await startRun(noAgent, 'whoami', ['nowhere'])).id);
  const e = done.executions[0];
  assert.equal(e?.status, 'failed');
  assert.equal(e?.failureKind, 'auth');
  assert.match(e?.failureMessage ?? '', /SSH_AUTH_SOCK or ORCA_SSH_AGENT_SOCK/);
});

test('forward is the only thing an agent credential has to change; other secrets are refused', async () => {
  const id = await agentCredential(app, 'agent-edit');
  const ok = await app.api(`/credentials/${id}`, { method: 'PATCH', body: { forward: true } });
  assert.equal(ok.status, 200);
  const bad = await app.api(`/credentials/${id}`, { method: 'PATCH', body: { password: 'nope' } });
  assert.equal(bad.status, 400);
  const wrongKind = await app.api('/credentials', { body: { name: 'x', kind: 'password', forward: true } });
  assert.equal(wrongKind.status, 400);
});
