/** The command shim alone: cmd and PowerShell semantics orca relies on, without HTTP or NTLM. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeClixml } from '../../../../src/connectors/windows/clixml.ts';
import { planPowerShell, powershellCommandLine } from '../../../../src/connectors/windows/powershell.ts';
import { copyScript, dataLine, endLines } from '../../../../src/connectors/winrm/copy.ts';
import { WINDOWS_FACTS_SCRIPT } from '../../../../src/domain/host-facts.ts';
import { shimHarness } from './harness.ts';

const { fileRoot, shim, ps } = shimHarness();

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

test('PowerShell control flow: while/break, try/catch/finally, statement errors, precedence, $null', async () => {
  const ran = await ps(
    [
      '$n = 0',
      'while ($true) { $n = $n + 1; if ($n -ge 3) { break } }',
      'Write-Output $n',
      "Write-Output ($null -eq '')",
      'Write-Output (1 -eq 1 -and 2 -eq 2)',
      "try { throw 'x' } catch { Write-Output \"caught $_\" } finally { Write-Output 'finally' }",
      "try { exit 4 } finally { Write-Output 'exit runs finally' }",
    ].join('\n'),
  );
  assert.equal(ran.stdout, '3\r\nFalse\r\nTrue\r\ncaught x\r\nfinally\r\nexit runs finally\r\n');
  assert.equal(ran.code, 4);
  const continued = await ps("[IO.File]::Open('C:\\nope\\x.bin', 'Open', 'Read')\nWrite-Output after");
  assert.equal(continued.stdout, 'after\r\n', 'a .NET exception ends only its statement');
  assert.equal(continued.code, 0);
  assert.match(
    decodeClixml(continued.stderr),
    /^Exception calling "Open" with "3" argument\(s\): "Could not find a part of the path 'C:\\nope\\x\.bin'\."\r\nAt line:1 char:1\r\n/,
  );
  const stopped = await ps("$ErrorActionPreference = 'Stop'\n$x = $null\n$x.Close()\nWrite-Output never");
  assert.equal(stopped.code, 1);
  assert.equal(stopped.stdout, '');
  assert.match(
    decodeClixml(stopped.stderr),
    /You cannot call a method on a null-valued expression\.\r\nAt line:3 char:1/,
  );
});

test('PowerShell file I/O lands under the file root: stdin lines, FileStream, Get-FileHash, Move', async () => {
  mkdirSync(join(fileRoot, 'C', 'Temp'), { recursive: true });
  const data = Buffer.from('hello, file');
  const script = [
    "$file = [IO.File]::Open('C:\\Temp\\part.tmp', 'CreateNew', 'Write')",
    'while ($true) {',
    '  $line = [Console]::In.ReadLine()',
    '  if ($null -eq $line) { break }',
    '  $bytes = [Convert]::FromBase64String($line)',
    '  $file.Write($bytes, 0, $bytes.Length)',
    '}',
    '$file.Close()',
    "Write-Output (Get-FileHash -Algorithm SHA256 -LiteralPath 'C:\\Temp\\part.tmp').Hash",
    "[IO.File]::Move('C:\\Temp\\part.tmp', 'C:\\Temp\\whole.bin')",
    "Write-Output ([IO.File]::Exists('C:\\Temp\\part.tmp'))",
  ].join('\n');
  const lines = `${data.subarray(0, 5).toString('base64')}\r\n${data.subarray(5).toString('base64')}\n`;
  const ran = await shim(powershellCommandLine(script), { stdin: lines });
  const sha = createHash('sha256').update(data).digest('hex').toUpperCase();
  assert.deepEqual(ran, { code: 0, stdout: `${sha}\r\nFalse\r\n`, stderr: '' });
  assert.deepEqual(readFileSync(join(fileRoot, 'C', 'Temp', 'whole.bin')), data);
  assert.equal(existsSync(join(fileRoot, 'C', 'Temp', 'part.tmp')), false);
  const exists = await ps("[IO.File]::Move('C:\\Temp\\whole.bin', 'C:\\Temp\\whole.bin')");
  assert.match(decodeClixml(exists.stderr), /Cannot create a file when that file already exists\./);
});

test("orca's copy script: a wrong hash leaves the target as it was and exits 2", async () => {
  mkdirSync(join(fileRoot, 'C', 'Keep'), { recursive: true });
  const target = join(fileRoot, 'C', 'Keep', 'x.bin');
  writeFileSync(target, 'original');
  const stdin = Buffer.concat([dataLine(Buffer.from('new bytes')), endLines('00'.repeat(32))]).toString();
  const ran = await shim(powershellCommandLine(copyScript('C:\\Keep\\x.bin', '.orca-t.tmp')), { stdin });
  assert.equal(ran.code, 2);
  assert.equal(ran.stdout, `${createHash('sha256').update('new bytes').digest('hex').toUpperCase()}\r\n`);
  assert.equal(readFileSync(target, 'utf8'), 'original');
  assert.deepEqual(readdirSync(join(fileRoot, 'C', 'Keep')), ['x.bin'], 'the temporary file is removed');
});

test('script files: & runs a .ps1 whose exit ends only the script; %TEMP% exists; Remove-Item deletes', async () => {
  const temp = (await ps('[System.IO.Path]::GetTempPath()')).stdout.trim();
  assert.equal(temp, 'C:\\Users\\testuser\\AppData\\Local\\Temp\\');
  const tempDir = join(fileRoot, 'C', 'Users', 'testuser', 'AppData', 'Local', 'Temp');
  assert.ok(existsSync(tempDir), 'the temporary directory exists, as on Windows');
  writeFileSync(join(tempDir, 'job.ps1'), "\uFEFFWrite-Output 'in script'\nexit 4\nWrite-Output 'never'");
  assert.deepEqual(await ps(`& '${temp}job.ps1'\nWrite-Output "after $LASTEXITCODE"\nexit 0`), {
    code: 0,
    stdout: 'in script\r\nafter 4\r\n',
    stderr: '',
  });
  assert.equal((await ps(`& '${temp}job.ps1'`)).code, 4, "the script's exit code becomes the command's");
  const missing = await ps(`& '${temp}gone.ps1'`);
  assert.equal(missing.code, 1);
  assert.match(decodeClixml(missing.stderr), /gone\.ps1' is not recognized/);
  assert.equal((await ps(`Remove-Item -LiteralPath '${temp}job.ps1' -Force`)).code, 0);
  assert.deepEqual(readdirSync(tempDir), []);
  const quiet = await ps(`Remove-Item -LiteralPath '${temp}job.ps1' -Force -ErrorAction SilentlyContinue`);
  assert.deepEqual([quiet.stdout, quiet.stderr], ['', '']);
  const loud = await ps(`Remove-Item '${temp}job.ps1'`);
  assert.equal(loud.code, 1);
  assert.match(decodeClixml(loud.stderr), /Cannot find path .*job\.ps1' because it does not exist/);
});

test("orca's facts script: Win32_OperatingSystem, the machine name and the processor architecture", async () => {
  const ran = await ps(WINDOWS_FACTS_SCRIPT);
  assert.deepEqual(ran, {
    code: 0,
    stdout:
      'hostname=WINTEST\r\nos=Microsoft Windows Server 2022 Datacenter\r\nversion=10.0.20348\r\nbuild=20348\r\narch=AMD64\r\n',
    stderr: '',
  });
  const bag = await ps('Write-Output (Get-CimInstance Win32_OperatingSystem).OSArchitecture');
  assert.deepEqual(bag, { code: 0, stdout: '64-bit\r\n', stderr: '' });
  const bad = await ps('Get-CimInstance -ClassName Win32_NoSuchThing');
  assert.equal(bad.code, 1);
  assert.match(decodeClixml(bad.stderr), /Get-CimInstance : Invalid class/);
});
