/** The command shim alone: cmd and PowerShell semantics orca relies on, without HTTP or NTLM. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planPowerShell, powershellCommandLine } from '../../../../src/connectors/windows/powershell.ts';
import { runShimCommand } from './index.ts';
import { type CommandIO, StdinPipe } from './io.ts';
import { ProcessGroups } from './processes.ts';

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function shim(commandLine: string, options: { stdin?: string; codepage?: number } = {}): Promise<Ran> {
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const stdin = new StdinPipe();
  const processes = new ProcessGroups();
  const io: CommandIO = {
    identity: 'wintest\\testuser',
    computerName: 'WINTEST',
    codepage: options.codepage ?? 65001,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', COMPUTERNAME: 'WINTEST' },
    stdin,
    processes,
    abort: new AbortController().signal,
    write: (stream, data) => {
      out[stream].push(data);
      return true;
    },
    drained: async () => {},
  };
  if (options.stdin !== undefined) stdin.push(Buffer.from(options.stdin, 'utf8'), true);
  const code = await runShimCommand(io, commandLine, { progressRecords: false });
  assert.equal(processes.running, 0);
  return {
    code,
    stdout: Buffer.concat(out.stdout).toString('utf8'),
    stderr: Buffer.concat(out.stderr).toString('utf8'),
  };
}

const ps = (script: string) => shim(powershellCommandLine(script));

test("orca's PowerShell wrapper: exit codes follow the script", async () => {
  assert.deepEqual(await ps('Write-Output hi; exit 3'), { code: 3, stdout: 'hi\r\n', stderr: '' });
  assert.deepEqual(await ps("Write-Output 'it''s'"), { code: 0, stdout: "it's\r\n", stderr: '' });
  assert.equal((await ps('/bin/sh -c "exit 5"')).code, 5, 'a native exit code becomes the exit code');
  assert.equal((await ps('/bin/sh -c "exit 5"\nWrite-Output after')).code, 5, '$LASTEXITCODE wins');
  assert.equal((await ps('true')).code, 0);
  assert.equal((await ps("throw 'bad'")).code, 1);
  const failed = await ps("Write-Error 'boom'\n");
  assert.equal(failed.code, 1, 'a failed last statement gives 1');
  assert.match(
    failed.stderr,
    /^#< CLIXML\r\n<Objs [^>]+><S S="Error">Write-Error 'boom' : boom_x000D__x000A_<\/S>/,
  );
  const recovered = await ps("Write-Error 'boom'\nWrite-Output fine");
  assert.equal(recovered.code, 0, 'non-terminating: later statements run and decide');
  assert.equal(recovered.stdout, 'fine\r\n');
  const stop = await ps("$ErrorActionPreference = 'Stop'\nWrite-Error 'boom'\nWrite-Output never");
  assert.equal(stop.code, 1);
  assert.equal(stop.stdout, '');
});

test("orca's stdin plan for long scripts runs the same script", async () => {
  const script = `# ${'x'.repeat(9000)}\nWrite-Output "long $env:COMPUTERNAME"\nexit 6`;
  const plan = planPowerShell(script);
  assert.equal(plan.mode, 'stdin');
  if (plan.mode !== 'stdin') return;
  assert.deepEqual(await shim(plan.commandLine, { stdin: plan.stdin }), {
    code: 6,
    stdout: 'long WINTEST\r\n',
    stderr: '',
  });
});

test('cmd builtins, chains and fall-through to /bin/sh', async () => {
  assert.deepEqual(await shim('whoami'), { code: 0, stdout: 'wintest\\testuser\r\n', stderr: '' });
  assert.deepEqual(await shim('cmd.exe /c echo. & exit /b 2'), { code: 2, stdout: '\r\n', stderr: '' });
  assert.deepEqual(await shim('cmd /c exit 1 || echo recovered'), {
    code: 0,
    stdout: 'recovered\r\n',
    stderr: '',
  });
  assert.deepEqual(await shim('printf "a\\nb" && exit 4'), { code: 4, stdout: 'a\nb', stderr: '' });
  assert.deepEqual(await shim('cat', { stdin: 'piped' }), { code: 0, stdout: 'piped', stderr: '' });
});

test('PowerShell forms: bare script, Write-Host line ends, code pages', async () => {
  assert.deepEqual(await shim('powershell.exe Write-Host hi; Write-Output there'), {
    code: 0,
    stdout: 'hi\nthere\r\n',
    stderr: '',
  });
  assert.deepEqual(
    await shim('powershell -NoProfile -Command -', { stdin: 'Write-Output "a`tb"\r\nexit 2\r\n' }),
    {
      code: 2,
      stdout: 'a\tb\r\n',
      stderr: '',
    },
  );
  assert.equal((await shim('powershell.exe Write-Host こんにちは')).stdout, 'こんにちは\n');
  assert.equal((await shim('powershell.exe Write-Host こんにちは', { codepage: 437 })).stdout, '?????\n');
  const missing = await shim('powershell.exe Get-Nothing');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^Get-Nothing : The term 'Get-Nothing' is not recognized/);
  assert.equal((await shim('powershell.exe -File x.ps1')).code, 64, 'unsupported parameters fail loudly');
});
