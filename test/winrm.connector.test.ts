/**
 * Orca's WinRM connector against the WinRM test server (itself validated by pywinrm in
 * winrm.pywinrm.test.ts): NTLM with message encryption, Basic, HTTPS, the shell lifecycle,
 * cancel and timeout, and every kind of bad answer ending in a clear per-host error.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ConnectorError,
  type ConnectTarget,
  type ExecResult,
  type Session,
} from '../src/connectors/connector.ts';
import { createWinrmConnector } from '../src/connectors/winrm/index.ts';
import type { WinrmSettings } from '../src/domain/host-settings.ts';
import { startSilentTcpServer } from './support/sshd.ts';
import {
  type CertificatePaths,
  DEFAULT_USER,
  makeTestCertificates,
  startWinrmServer,
  type WinrmServerOptions,
  type WinrmTestServer,
} from './support/winrm-server/index.ts';

const connector = createWinrmConnector({ receiveTimeoutS: 2 });
const NTLM: WinrmSettings = {
  https: false,
  auth: 'negotiate',
  allowUnencrypted: false,
  caCert: null,
  skipVerify: false,
};
let scratch: string;
let certs: CertificatePaths;
const servers: WinrmTestServer[] = [];

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'orca-winrm-'));
  certs = await makeTestCertificates(scratch);
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(scratch, { recursive: true, force: true });
});

async function server(options: WinrmServerOptions = {}): Promise<WinrmTestServer> {
  const s = await startWinrmServer(options);
  servers.push(s);
  return s;
}

function target(
  port: number,
  winrm: Partial<WinrmSettings> = {},
  overrides: Partial<ConnectTarget> = {},
): ConnectTarget {
  return {
    hostId: 'win-1',
    name: 'win-1',
    address: '127.0.0.1',
    port,
    username: DEFAULT_USER.username,
    knownHostKey: null,
    os: 'windows',
    shell: 'powershell',
    winrm: { ...NTLM, ...winrm },
    ...overrides,
  };
}

const password = (value = DEFAULT_USER.password) => ({ kind: 'password' as const, password: value });

function open(t: ConnectTarget, secret = password()): Promise<Session> {
  return connector.open(t, secret, { connectTimeoutMs: 5000 });
}

interface Ran extends ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

async function run(
  session: Session,
  command: string,
  options: { timeoutMs?: number; signal?: AbortSignal; env?: Record<string, string> } = {},
): Promise<Ran> {
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const result = await session.exec(command, {
    ...options,
    onOutput: (stream, chunk) => void out[stream].push(chunk),
  });
  return {
    ...result,
    stdout: Buffer.concat(out.stdout).toString(),
    stderr: Buffer.concat(out.stderr).toString(),
  };
}

async function failure(promise: Promise<unknown>, kind: string): Promise<ConnectorError> {
  const error = await promise.then(
    () => assert.fail(`expected a ${kind} failure`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConnectorError, `not a ConnectorError: ${String(error)}`);
  assert.equal(error.kind, kind, error.message);
  return error;
}

test('whoami over NTLM with message encryption names the computer and user, and every shell is deleted', async () => {
  const s = await server();
  const session = await open(target(s.port));
  const r = await run(session, 'whoami');
  await session.close();
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout.trim(), 'wintest\\testuser');
  assert.equal(s.stats.openShells, 0);
  assert.ok(s.stats.shellsDeleted >= 2, 'the probe shell and the command shell were both deleted');
});

test('one NTLM handshake per connection, reused by later commands of the session', async () => {
  const s = await server();
  const session = await open(target(s.port));
  for (let i = 0; i < 3; i++)
    assert.equal((await run(session, `Write-Output ${i}`)).stdout.trim(), String(i));
  await session.close();
  assert.equal(s.stats.connections, 1);
  assert.deepEqual(s.stats.handshakesPerConnection, [1]);
});

test('exit codes and PowerShell errors come through readable', async () => {
  const s = await server();
  const session = await open(target(s.port));
  const three = await run(session, "Write-Output 'before'\nexit 3");
  assert.deepEqual([three.exitCode, three.stdout.trim()], [3, 'before']);
  const boom = await run(session, "Write-Error 'boom'");
  assert.equal(boom.exitCode, 1);
  assert.match(boom.stderr, /boom/);
  assert.doesNotMatch(boom.stderr, /CLIXML|<Objs|_x000D_/);
  const native = await run(session, 'sh -c "exit 7"');
  assert.equal(native.exitCode, 7);
  await session.close();
});

test('cmd is selectable as the shell', async () => {
  const s = await server();
  const session = await open(target(s.port, {}, { shell: 'cmd' }));
  const r = await run(session, 'echo hello& exit /b 4');
  await session.close();
  assert.equal(r.exitCode, 4);
  assert.equal(r.stdout.trim(), 'hello');
  assert.match(s.stats.commands.at(-1)?.commandLine ?? '', /^cmd\.exe \/c echo hello/);
});

test('environment variables reach the command', async () => {
  const s = await server();
  const session = await open(target(s.port));
  const r = await run(session, 'Write-Output $env:ORCA_GREETING', { env: { ORCA_GREETING: 'grüß dich' } });
  await session.close();
  assert.equal(r.stdout.trim(), 'grüß dich');
});

test('a script longer than the command line limit goes through stdin and keeps its exit code', async () => {
  const s = await server();
  const session = await open(target(s.port));
  const script = `${Array.from({ length: 400 }, (_, i) => `# padding line ${i} to pass 8191 characters`).join('\n')}\nWrite-Output 'long one'\nexit 5`;
  const r = await run(session, script);
  await session.close();
  assert.deepEqual([r.exitCode, r.stdout.trim()], [5, 'long one']);
  assert.match(s.stats.commands.at(-1)?.commandLine ?? '', /-Command -$/);
});

test('Receive answered by w:TimedOut is polled again until the command is done', async () => {
  const s = await server({ timedOutReceives: 3 });
  const session = await open(target(s.port));
  const r = await run(session, 'whoami');
  await session.close();
  assert.equal(r.stdout.trim(), 'wintest\\testuser');
  assert.ok(s.stats.faults.filter((f) => f.subcode === 'w:TimedOut').length >= 3);
});

test('cancel while Receive is blocked terminates the remote process on another connection', async () => {
  const s = await server({ receiveWaitCapMs: 30_000 });
  const session = await open(target(s.port));
  const controller = new AbortController();
  const pending = run(session, 'Write-Output started\nStart-Sleep -Seconds 60', {
    signal: controller.signal,
  });
  while (s.stats.runningProcesses === 0) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 200));
  controller.abort();
  const error = await failure(pending, 'canceled');
  assert.match(error.message, /terminated/);
  assert.equal(s.stats.signals.terminate, 1);
  assert.equal(s.stats.runningProcesses, 0);
  assert.equal(s.stats.openShells, 0);
  await session.close();
});

test('a command that outlives its timeout is terminated and fails as timeout', async () => {
  const s = await server();
  const session = await open(target(s.port));
  const error = await failure(run(session, 'Start-Sleep -Seconds 60', { timeoutMs: 800 }), 'timeout');
  assert.match(error.message, /longer than/);
  assert.equal(s.stats.runningProcesses, 0);
  assert.equal(s.stats.openShells, 0);
  await session.close();
});

test('user name forms DOMAIN\\user, user@domain and user all authenticate', async () => {
  const s = await server();
  for (const username of ['WINTEST\\testuser', 'testuser@wintest', '.\\testuser', 'testuser']) {
    const session = await open(target(s.port, {}, { username }));
    assert.equal((await run(session, 'whoami')).stdout.trim(), 'wintest\\testuser', username);
    await session.close();
  }
});

test('a wrong password fails as auth, naming the user', async () => {
  const s = await server();
  const error = await failure(open(target(s.port), password('wrong')), 'auth');
  assert.match(error.message, /testuser/);
});

test('nothing listening fails as unreachable', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  await failure(open(target(port)), 'unreachable');
});

test('a host that accepts TCP but never answers fails as timeout within the connect timeout', async () => {
  const silent = await startSilentTcpServer();
  try {
    const error = await failure(
      connector.open(target(silent.port), password(), { connectTimeoutMs: 500 }),
      'timeout',
    );
    assert.match(error.message, /500 ms/);
  } finally {
    await silent.stop();
  }
});

test('an HTTP server that is not WinRM fails as protocol', async () => {
  const web = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html><body>Not here</body></html>');
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  try {
    const error = await failure(open(target((web.address() as AddressInfo).port)), 'protocol');
    assert.match(error.message, /WinRM/);
  } finally {
    await new Promise((resolve) => web.close(resolve));
  }
});

for (const [fault, pattern] of [
  ['garbleSoap', /not XML|XML/],
  ['truncateSoap', /XML|truncated|envelope/i],
  ['corruptSignature', /decrypt|signature/i],
  ['http500Fault', /fault/i],
] as const) {
  test(`a bad answer (${fault}) fails that host as protocol with a clear message`, async () => {
    const s = await server({ faults: { [fault]: true } });
    const error = await failure(open(target(s.port)), 'protocol');
    assert.match(error.message, pattern);
    // The next contact works: nothing stayed broken.
    const session = await open(target(s.port));
    assert.equal((await run(session, 'whoami')).exitCode, 0);
    await session.close();
  });
}

test('basic over HTTP works only where the host allows unencrypted messages', async () => {
  const open_ = await server({ auth: ['basic'], allowUnencrypted: true });
  const session = await open(target(open_.port, { auth: 'basic', allowUnencrypted: true }));
  assert.equal((await run(session, 'whoami')).stdout.trim(), 'wintest\\testuser');
  await session.close();
  const strict = await server({ auth: ['basic'] });
  await failure(open(target(strict.port, { auth: 'basic', allowUnencrypted: true })), 'auth');
});

test('HTTPS verifies the certificate against the configured CA; skipVerify is explicit', async () => {
  const s = await server({ tls: { cert: certs.cert, key: certs.key }, auth: ['negotiate', 'basic'] });
  const trusted = await open(target(s.port, { https: true, caCert: certs.caCert }));
  assert.equal((await run(trusted, 'whoami')).stdout.trim(), 'wintest\\testuser');
  await trusted.close();
  const basic = await open(target(s.port, { https: true, auth: 'basic', caCert: certs.caCert }));
  assert.equal((await run(basic, 'whoami')).exitCode, 0);
  await basic.close();
  const error = await failure(open(target(s.port, { https: true })), 'protocol');
  assert.match(error.message, /certificate/);
  const insecure = await open(target(s.port, { https: true, skipVerify: true }));
  assert.equal((await run(insecure, 'whoami')).exitCode, 0);
  await insecure.close();
});

test('an SSH key credential is refused for WinRM with a clear message', async () => {
  const s = await server();
  const error = await failure(
    connector.open(target(s.port), { kind: 'ssh-key', privateKey: 'x' }, { connectTimeoutMs: 5000 }),
    'auth',
  );
  assert.match(error.message, /password credential/);
});
