/**
 * The WinRM test server checked by an independent client, pywinrm (Debian python3-winrm 0.3.0 with
 * requests-ntlm): if pywinrm works against it the way it works against Windows, the server is a
 * fair stand-in for orca's own client tests.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { WINDOWS_FACTS_SCRIPT } from '../src/domain/host-facts.ts';
import {
  DEFAULT_USER,
  makeTestCertificates,
  startWinrmServer,
  type WinrmServerOptions,
  type WinrmTestServer,
} from './support/winrm-server/index.ts';

const PYTHON = '/usr/bin/python3';
const CLIENT = new URL('./support/winrm-server/pywinrm_client.py', import.meta.url).pathname;
const run = promisify(execFile);

type Step =
  | { cmd: string; args?: string[] }
  | { ps: string }
  | { stdin_ps: string }
  | { kill: string }
  | { command_in_shell: string }
  | { env_ps: string; env: Record<string, string> };
type StepResult =
  | { ok: true; stdout: string; stderr: string; status: number }
  | { ok: true; first_receive: { stdout: string; done: boolean; timed_out?: boolean } }
  | { ok: false; error: string; message: string };

interface Job {
  readonly transport?: 'ntlm' | 'basic' | 'ssl';
  readonly message_encryption?: 'auto' | 'always' | 'never';
  readonly password?: string;
  readonly ca_trust_path?: string;
  readonly steps: readonly Step[];
}

let dir = '';
let opensslConf = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orca-pywinrm-'));
  // requests-ntlm needs MD4, which OpenSSL 3 only has in its legacy provider.
  opensslConf = join(dir, 'openssl.cnf');
  await writeFile(
    opensslConf,
    [
      'openssl_conf = openssl_init',
      '[openssl_init]',
      'providers = provider_sect',
      '[provider_sect]',
      'default = default_sect',
      'legacy = legacy_sect',
      '[default_sect]',
      'activate = 1',
      '[legacy_sect]',
      'activate = 1',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs pywinrm_client.py with one job against the server; returns its per-step results. */
async function pywinrm(server: WinrmTestServer, job: Job): Promise<StepResult[]> {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENSSL_CONF: opensslConf };
  // Proxy and CA-bundle variables would change what requests does; keep the client's view clean.
  for (const k of [
    'REQUESTS_CA_BUNDLE',
    'CURL_CA_BUNDLE',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'http_proxy',
    'https_proxy',
  ]) {
    delete env[k];
  }
  env.NO_PROXY = '127.0.0.1';
  const child = spawn(PYTHON, [CLIENT], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  child.stdin.end(
    JSON.stringify({
      url: server.url,
      username: DEFAULT_USER.username,
      password: job.password ?? DEFAULT_USER.password,
      transport: job.transport ?? 'ntlm',
      ...job,
    }),
  );
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  const stderr = Buffer.concat(err).toString('utf8');
  assert.equal(code, 0, `pywinrm client failed: ${stderr}`);
  return (JSON.parse(Buffer.concat(out).toString('utf8')) as { steps: StepResult[] }).steps;
}

/** Starts a server, runs `fn`, then checks that every shell was deleted and nothing still runs. */
async function withServer(options: WinrmServerOptions, fn: (server: WinrmTestServer) => Promise<void>) {
  const server = await startWinrmServer(options);
  try {
    await fn(server);
    assert.equal(server.stats.openShells, 0, 'every shell was deleted');
    assert.equal(server.stats.shellsDeleted, server.stats.shellsCreated);
  } finally {
    await server.close();
  }
  assert.equal(server.stats.runningProcesses, 0, 'no process left after close');
}

function output(r: StepResult | undefined): { stdout: string; stderr: string; status: number } {
  assert.ok(r?.ok && 'status' in r, `step failed: ${JSON.stringify(r)}`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function failure(r: StepResult | undefined, message?: RegExp): string {
  assert.ok(r && !r.ok, `step should have failed: ${JSON.stringify(r)}`);
  if (message) assert.match(r.message, message);
  return r.error;
}

test('NTLM with message encryption over HTTP: whoami, cmd and PowerShell output and exit codes', async () => {
  await withServer({}, async (server) => {
    const steps = await pywinrm(server, {
      message_encryption: 'always',
      steps: [
        { cmd: 'whoami' },
        { cmd: 'cmd', args: ['/c', 'echo out && echo err>&2 && exit /b 7'] },
        { ps: 'Write-Output hi; exit 3' },
        { ps: "Write-Host 'no exit'" },
      ],
    });
    assert.deepEqual(output(steps[0]), { stdout: 'wintest\\testuser\r\n', stderr: '', status: 0 });
    assert.deepEqual(output(steps[1]), { stdout: 'out \r\n', stderr: 'err \r\n', status: 7 });
    assert.deepEqual(output(steps[2]), { stdout: 'hi\r\n', stderr: '', status: 3 });
    assert.deepEqual(output(steps[3]), { stdout: 'no exit\n', stderr: '', status: 0 });

    const { stats } = server;
    assert.equal(stats.shellsCreated, 4);
    assert.equal(stats.commandsStarted, 4);
    assert.equal(stats.signals.terminate, 4, 'pywinrm cleans every command up with terminate');
    assert.match(stats.commands[2]?.commandLine ?? '', /^powershell -encodedcommand [A-Za-z0-9+/=]+$/);
    // One keep-alive connection, authenticated once, every later body sealed with its context.
    assert.deepEqual(stats.handshakesPerConnection, [1]);
    assert.equal(stats.requestsByAuth.basic, 0);
    assert.ok(stats.requestsByAuth.negotiate >= 4 * 5);
    assert.equal(stats.unencryptedRefused, 0);
    assert.deepEqual(stats.faults, []);
  });
});

test("orca's facts script answers pywinrm's run_ps as Windows would", async () => {
  await withServer({}, async (server) => {
    const steps = await pywinrm(server, { steps: [{ ps: WINDOWS_FACTS_SCRIPT }] });
    assert.deepEqual(output(steps[0]), {
      stdout:
        'hostname=WINTEST\r\nos=Microsoft Windows Server 2022 Datacenter\r\nversion=10.0.20348\r\n' +
        'build=20348\r\narch=AMD64\r\n',
      stderr: '',
      status: 0,
    });
  });
});

test('Write-Error arrives as CLIXML on stderr, which pywinrm decodes to the message', async () => {
  await withServer({}, async (server) => {
    const encoded = Buffer.from("Write-Error 'boom'", 'utf16le').toString('base64');
    const steps = await pywinrm(server, {
      steps: [{ ps: "Write-Error 'boom'" }, { cmd: `powershell -encodedcommand ${encoded}` }],
    });
    const decoded = output(steps[0]);
    assert.equal(decoded.status, 1);
    assert.match(decoded.stderr, /^Write-Error 'boom' : boom\n/);
    const raw = output(steps[1]);
    assert.match(
      raw.stderr,
      /^#< CLIXML\r\n<Objs Version="1\.1\.0\.1" xmlns="http:\/\/schemas\.microsoft\.com\/powershell\/2004\/04">/,
    );
    assert.match(raw.stderr, /<S S="Error">Write-Error 'boom' : boom_x000D__x000A_<\/S>/);
    assert.match(raw.stderr, /<\/Objs>$/);
  });
});

test('Receives answered by w:TimedOut first still complete, as pywinrm retries them', async () => {
  await withServer({ timedOutReceives: 2 }, async (server) => {
    const steps = await pywinrm(server, { steps: [{ cmd: 'hostname' }] });
    assert.deepEqual(output(steps[0]), { stdout: 'WINTEST\r\n', stderr: '', status: 0 });
    assert.deepEqual(
      server.stats.faults.map((f) => [f.action, f.subcode, f.code, f.status]),
      [
        ['receive', 'w:TimedOut', 2150858793, 500],
        ['receive', 'w:TimedOut', 2150858793, 500],
      ],
    );
    assert.equal(server.stats.receives, 3);
  });
});

test('a wrong password is refused with 401 and no shell is created', async () => {
  await withServer({}, async (server) => {
    const steps = await pywinrm(server, { password: 'not-the-password', steps: [{ cmd: 'whoami' }] });
    assert.equal(failure(steps[0]), 'InvalidCredentialsError');
    assert.equal(server.stats.shellsCreated, 0);
    assert.deepEqual(
      server.stats.handshakesPerConnection.filter((n) => n > 0),
      [],
    );
  });
});

test('unencrypted bodies over HTTP are refused unless AllowUnencrypted', async () => {
  // NTLM without sealing, as older clients send it: refused by a default server.
  await withServer({}, async (server) => {
    const steps = await pywinrm(server, { message_encryption: 'never', steps: [{ cmd: 'whoami' }] });
    assert.equal(failure(steps[0]), 'InvalidCredentialsError');
    assert.ok(server.stats.unencryptedRefused >= 1);
    assert.equal(server.stats.shellsCreated, 0);
  });
  // Basic is off by default.
  await withServer({}, async (server) => {
    const steps = await pywinrm(server, { transport: 'basic', steps: [{ cmd: 'whoami' }] });
    assert.equal(failure(steps[0]), 'InvalidCredentialsError');
    assert.equal(server.stats.requestsByAuth.basic, 0);
  });
  // Basic enabled but AllowUnencrypted=false: plaintext over HTTP is still refused.
  await withServer({ auth: ['negotiate', 'basic'] }, async (server) => {
    const steps = await pywinrm(server, { transport: 'basic', steps: [{ cmd: 'whoami' }] });
    assert.equal(failure(steps[0]), 'InvalidCredentialsError');
    assert.ok(server.stats.unencryptedRefused >= 1);
  });
  await withServer({ auth: ['basic'], allowUnencrypted: true }, async (server) => {
    const steps = await pywinrm(server, { transport: 'basic', steps: [{ cmd: 'whoami' }] });
    assert.deepEqual(output(steps[0]), { stdout: 'wintest\\testuser\r\n', stderr: '', status: 0 });
    assert.ok(server.stats.requestsByAuth.basic >= 5);
  });
});

test('HTTPS with a certificate from the test CA: Basic and NTLM, verified by pywinrm', async () => {
  const certs = await makeTestCertificates(dir);
  await withServer(
    { tls: { cert: certs.cert, key: certs.key }, auth: ['negotiate', 'basic'] },
    async (server) => {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+\/wsman$/);
      const [basic] = await pywinrm(server, {
        transport: 'basic',
        ca_trust_path: certs.caCertPath,
        steps: [{ cmd: 'whoami' }],
      });
      assert.deepEqual(output(basic), { stdout: 'wintest\\testuser\r\n', stderr: '', status: 0 });
      // Over HTTPS pywinrm's 'auto' encryption sends NTLM-authenticated plaintext SOAP inside TLS.
      const [ntlm] = await pywinrm(server, { ca_trust_path: certs.caCertPath, steps: [{ ps: 'whoami' }] });
      assert.deepEqual(output(ntlm), { stdout: 'wintest\\testuser\r\n', stderr: '', status: 0 });
      // Without the CA the certificate does not verify.
      const [untrusted] = await pywinrm(server, { transport: 'basic', steps: [{ cmd: 'whoami' }] });
      assert.equal(failure(untrusted), 'SSLError');
      assert.ok(server.stats.requestsByAuth.basic >= 5);
      assert.ok(server.stats.requestsByAuth.negotiate >= 5);
    },
  );
});

test('PowerShell reads its script from stdin sent with Send', async () => {
  await withServer({}, async (server) => {
    const steps = await pywinrm(server, {
      steps: [{ stdin_ps: 'Write-Output "from stdin"\r\nexit 4\r\n' }],
    });
    assert.deepEqual(output(steps[0]), { stdout: 'from stdin\r\n', stderr: '', status: 4 });
  });
});

test('variables of the shell (rsp:Environment, pywinrm open_shell env_vars) reach the command', async () => {
  // The hostile characters orca's secret values may hold: quotes, $( ), backslashes, unicode, newlines.
  const hostile = `it's "q" $(whoami) \\x & <tag> ünï ✓\nsecond line`;
  await withServer({}, async (server) => {
    const steps = await pywinrm(server, {
      // pywinrm 0.3.0 keeps only the last of several env_vars, so one variable per shell.
      steps: [
        { env_ps: '[Console]::Out.Write($env:ORCA_T1 + "|")', env: { ORCA_T1: hostile } },
        { env_ps: '[Console]::Out.Write("[" + $env:ORCA_T2 + "]")', env: { ORCA_T2: 'plain' } },
      ],
    });
    assert.deepEqual(output(steps[0]), { stdout: `${hostile}|`, stderr: '', status: 0 });
    assert.deepEqual(output(steps[1]), { stdout: '[plain]', stderr: '', status: 0 });
  });
});

test('terminate kills a running command and its process group', async () => {
  const marker = `sleep ${30 + Math.floor(Math.random() * 1000) / 1000}`;
  await withServer({ receiveWaitCapMs: 300 }, async (server) => {
    const steps = await pywinrm(server, { steps: [{ kill: `echo started && ${marker}` }] });
    const r = steps[0];
    assert.ok(r?.ok && 'first_receive' in r, JSON.stringify(r));
    assert.equal(r.first_receive.done, false);
    assert.equal(server.stats.signals.terminate, 1);
    assert.equal(server.stats.runningProcesses, 0);
    const left = await run('pgrep', ['-f', marker]).catch((e: { stdout?: string }) => ({
      stdout: e.stdout ?? '',
    }));
    assert.equal(left.stdout.trim(), '', `${marker} still runs`);
  });
});

test('an unknown shell id is answered with the w:InvalidSelectors fault', async () => {
  await withServer({}, async (server) => {
    const [r] = await pywinrm(server, {
      steps: [{ command_in_shell: '0BADF00D-0000-4000-8000-000000000000' }],
    });
    assert.equal(failure(r, /'fault_subcode': 'w:InvalidSelectors'/), 'WinRMError');
    assert.match((r as { message: string }).message, /'wsmanfault_code': '2150858843'/);
    assert.deepEqual(server.stats.faults, [
      { action: 'command', subcode: 'w:InvalidSelectors', code: 2150858843, status: 500 },
    ]);
  });
});

test('injected faults on the first Create response fail pywinrm the way a broken server would', async () => {
  const cases = [
    { faults: { http500Fault: true }, error: 'WinRMError', message: /w:InternalError/ },
    { faults: { garbleSoap: true }, error: 'ParseError', message: /mismatched tag|not well-formed/ },
    { faults: { truncateSoap: true }, error: 'ParseError', message: /no element found|unclosed token/ },
    { faults: { corruptSignature: true }, error: 'Exception', message: /signature checksum does not match/ },
  ] as const;
  for (const c of cases) {
    const corrupt = 'corruptSignature' in c.faults;
    await withServer({ faults: c.faults }, async (server) => {
      // After a bad signature pywinrm's NTLM context is out of step for good, so it gets one step.
      const steps = await pywinrm(server, {
        steps: corrupt ? [{ cmd: 'whoami' }] : [{ cmd: 'whoami' }, { cmd: 'hostname' }],
      });
      assert.equal(failure(steps[0], c.message), c.error, JSON.stringify(c.faults));
      assert.equal(server.stats.faults.length, 1);
      // Only the first Create is faulted, and the shell it names was never registered.
      assert.equal(server.stats.shellsCreated, corrupt ? 0 : 1);
      if (!corrupt) assert.deepEqual(output(steps[1]), { stdout: 'WINTEST\r\n', stderr: '', status: 0 });
    });
  }
});

test('large output arrives whole over several Receives; parallel clients get a connection each', async () => {
  await withServer({}, async (server) => {
    const [big, other] = await Promise.all([
      pywinrm(server, { steps: [{ cmd: 'seq 1 100000' }] }),
      pywinrm(server, { steps: [{ ps: 'Write-Output one two' }] }),
    ]);
    const expected = `${Array.from({ length: 100000 }, (_, i) => i + 1).join('\n')}\n`;
    const r = output(big[0]);
    assert.equal(r.stdout.length, expected.length);
    assert.equal(r.stdout, expected);
    assert.deepEqual(output(other[0]), { stdout: 'one\r\ntwo\r\n', stderr: '', status: 0 });
    assert.ok(server.stats.receives >= 1 + Math.ceil(expected.length / (64 * 1024)));
    assert.deepEqual(server.stats.handshakesPerConnection, [1, 1]);
  });
});
