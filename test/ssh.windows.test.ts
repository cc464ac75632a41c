/**
 * Windows hosts over OpenSSH, against real sshd on Linux: every exec request goes to
 * support/windows-shim-cli.ts (as sshd's ForceCommand), which runs it as OpenSSH for Windows
 * would, a `cmd.exe /c` command line, through the WinRM test server's cmd/PowerShell shim.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ConnectTarget, Session } from '../src/connectors/connector.ts';
import { connector, rejection, runText } from './support/ssh-client.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

const run = promisify(execFile);
const SHIM_CLI = fileURLToPath(new URL('./support/windows-shim-cli.ts', import.meta.url));
const COMPUTER = 'WINSSH';

let sshd: SshdHandle;
let files: string;
/** Patterns of the sleeps started, so that after() can kill what a failed test left behind. */
const sleepers: string[] = [];

before(async () => {
  files = await mkdtemp(join(tmpdir(), 'orca-winssh-files-'));
  await chmod(files, 0o777);
  const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const argv = [process.execPath, '--import', import.meta.resolve('tsx'), SHIM_CLI, COMPUTER, files];
  sshd = await startSshd({ forceCommand: `exec ${argv.map(quote).join(' ')}` });
});

after(async () => {
  for (const pattern of sleepers) for (const pid of await pgrep(pattern)) process.kill(pid, 'SIGKILL');
  await sshd?.stop();
  if (files) await rm(files, { recursive: true, force: true });
});

function windows(shell: 'powershell' | 'cmd' = 'powershell'): ConnectTarget {
  return {
    hostId: 'host-w',
    name: 'win-1',
    address: sshd.host,
    port: sshd.port,
    username: sshd.user,
    knownHostKey: null,
    os: 'windows',
    shell,
    winrm: null,
  };
}

async function withWindows<T>(fn: (s: Session) => Promise<T>, shell?: 'powershell' | 'cmd'): Promise<T> {
  const session = await connector.open(
    windows(shell),
    { kind: 'password', password: sshd.password },
    { connectTimeoutMs: 10_000 },
  );
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

async function pgrep(pattern: string): Promise<number[]> {
  const r = await run('pgrep', ['-f', pattern]).catch((e: { stdout?: string }) => ({
    stdout: e.stdout ?? '',
  }));
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('whoami and Write-Output run through PowerShell over SSH, the PID line removed', async () => {
  await withWindows(async (s) => {
    const r = await runText(s, 'whoami\nWrite-Output "hello from $env:COMPUTERNAME"');
    assert.deepEqual(r, {
      exitCode: 0,
      signal: null,
      stdout: `${COMPUTER.toLowerCase()}\\${sshd.user}\r\nhello from ${COMPUTER}\r\n`,
      stderr: '',
    });
  });
});

test('secret variables reach PowerShell on its stdin, not its command line; cmd refuses them', async () => {
  const value = `s3cr3t-${randomInt(1e9)} it's "q" $(x) \u2019 ünï\nline 2`;
  const secretEnv = { ORCA_SECRET_parameters_token: value };
  const r = await withWindows((s) =>
    runText(s, "[Console]::Out.Write('[' + $env:ORCA_SECRET_parameters_token + ']')", { secretEnv }),
  );
  assert.deepEqual([r.exitCode, r.stdout, r.stderr], [0, `[${value}]`, '']);
  const refused = await withWindows(
    (s) => rejection(runText(s, 'echo %ORCA_SECRET_parameters_token%', { secretEnv }), 'protocol'),
    'cmd',
  );
  assert.match(refused.message, /PowerShell/);
  assert.ok(!refused.message.includes('s3cr3t'));
});

test("the script's exit code is the command's", async () => {
  await withWindows(async (s) => {
    assert.deepEqual(await runText(s, 'Write-Output before; exit 3; Write-Output after'), {
      exitCode: 3,
      signal: null,
      stdout: 'before\r\n',
      stderr: '',
    });
    assert.equal((await runText(s, '/bin/sh -c "exit 5"')).exitCode, 5, "a native command's code");
  });
});

test('Write-Error arrives on stderr as readable text, not CLIXML', async () => {
  await withWindows(async (s) => {
    const r = await runText(s, "Write-Output out; Write-Error 'it broke'");
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, 'out\r\n');
    assert.match(r.stderr, /^Write-Error 'it broke' : it broke\r\n {4}\+ CategoryInfo {10}: NotSpecified/);
    assert.doesNotMatch(r.stderr, /CLIXML|<Objs|_x000D_/);
  });
});

test('a script longer than cmd allows goes through stdin and keeps its exit code', async () => {
  await withWindows(async (s) => {
    const script = `# ${'x'.repeat(9000)}\nWrite-Output "long on $env:COMPUTERNAME"\nexit 6`;
    assert.deepEqual(await runText(s, script), {
      exitCode: 6,
      signal: null,
      stdout: `long on ${COMPUTER}\r\n`,
      stderr: '',
    });
  });
});

test('a working directory that cannot be entered fails the command before it runs', async () => {
  await withWindows(async (s) => {
    const r = await runText(s, 'Write-Output ran', { cwd: 'C:\\missing' });
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, '');
  });
  await withWindows(async (s) => {
    const r = await runText(s, 'echo ran', { cwd: 'C:\\missing' });
    assert.equal(r.exitCode, 1);
    assert.equal(r.stdout, '');
  }, 'cmd');
});

const HOSTILE = ["'; Remove-Item C:\\ #", '$(whoami)', '`whoami`', 'a\nb', '‘ü’ "q" \\'];

test('PowerShell: env values with hostile characters arrive literally, also in programs it starts', async () => {
  const env = Object.fromEntries(HOSTILE.map((v, i) => [`ORCA_T${i}`, v]));
  const print = HOSTILE.map((_, i) => `Write-Output $env:ORCA_T${i}`).join('\n');
  await withWindows(async (s) => {
    const r = await runText(s, `${print}\ncmd /c set ORCA_T1`, { env });
    assert.equal(r.stdout, `${HOSTILE.map((v) => `${v}\r\n`).join('')}ORCA_T1=$(whoami)\r\n`);
    assert.equal(r.exitCode, 0);
  });
});

test('PowerShell: the working directory is entered, for .NET and for programs it starts too', async () => {
  await mkdir(join(files, 'C', "it's $(x)"), { recursive: true });
  await withWindows(async (s) => {
    const script = 'Write-Output (Get-Location).Path\n[Environment]::CurrentDirectory\ncmd /c cd';
    const r = await runText(s, script, { cwd: "C:\\it's $(x)" });
    assert.deepEqual([r.stdout, r.exitCode], ["C:\\it's $(x)\r\n".repeat(3), 0]);
  });
});

test('cmd: env and working directory are applied', async () => {
  await mkdir(join(files, 'C', 'Temp'), { recursive: true });
  await withWindows(async (s) => {
    const r = await runText(s, 'cd& set ORCA_A', { env: { ORCA_A: "<&|^ '$(x)'>" }, cwd: 'C:\\Temp' });
    assert.deepEqual([r.stdout, r.exitCode], ["C:\\Temp\r\nORCA_A=<&|^ '$(x)'>\r\n", 0]);
  }, 'cmd');
});

test('cmd runs the command line as written, with its exit code', async () => {
  await withWindows(async (s) => {
    assert.deepEqual(await runText(s, 'echo hi& exit /b 4'), {
      exitCode: 4,
      signal: null,
      stdout: 'hi\r\n',
      stderr: '',
    });
    assert.equal((await runText(s, 'whoami')).stdout, `${COMPUTER.toLowerCase()}\\${sshd.user}\r\n`);
  }, 'cmd');
});

/**
 * A script that sleeps about a minute in short steps, writing between them: once the channel is
 * closed its next write fails and the host side ends, as a Windows console program's would.
 */
function sleeper() {
  const ms = `${200 + randomInt(100)}.${randomInt(1e6)}`;
  const pattern = `^sleep ${Number(ms) / 1000}$`;
  sleepers.push(pattern);
  const steps = Array.from({ length: 240 }, () => `Start-Sleep -Milliseconds ${ms}\nWrite-Output tick`);
  return { script: `Write-Output started\n${steps.join('\n')}`, pattern };
}

for (const how of ['canceled', 'timeout'] as const) {
  test(`a PowerShell Start-Sleep stopped by ${how === 'canceled' ? 'cancel' : 'its timeout'} fails as ${how} and its channel is closed`, async () => {
    await withWindows(async (s) => {
      const job = sleeper();
      const controller = new AbortController();
      const started = performance.now();
      const result = s.exec(job.script, {
        onOutput: () => {},
        ...(how === 'canceled' ? { signal: controller.signal } : { timeoutMs: 2500 }),
      });
      await waitFor('the remote sleep runs', async () => (await pgrep(job.pattern)).length > 0, 10_000);
      controller.abort();
      const error = await rejection(result, how);
      // The shim prints $PID but has no taskkill, so the kill failed: orca closed the channel instead.
      assert.match(error.message, /orca tried to kill it but could not confirm that it died$/);
      assert.ok(performance.now() - started < 15_000, 'the command was not stopped in time');
      // Gone for longer than a step takes: not merely between two sleeps.
      const gone = async () => (await pgrep(job.pattern)).length === 0;
      await waitFor('the host side of the channel is gone', gone, 5000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.ok(await gone(), 'the script went on sleeping after its channel was closed');
      assert.equal((await runText(s, "Write-Output 'still here'")).stdout, 'still here\r\n');
    });
  });
}
