/** The shim's process state: environment, current directory and the cmd and PowerShell commands that change them. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { decodeClixml } from '../../../../src/connectors/windows/clixml.ts';
import { shimHarness } from './harness.ts';

const { fileRoot, shim, ps } = shimHarness();

before(() => {
  mkdirSync(join(fileRoot, 'C', 'Temp', 'sub'), { recursive: true });
  mkdirSync(join(fileRoot, 'D', 'Data'), { recursive: true });
});

test('cmd expands %NAME% once for the whole line; programs it starts see what set set', async () => {
  assert.deepEqual(await shim('set A=1& echo [%A%]& cmd /c echo [%A%]'), {
    code: 0,
    stdout: '[%A%]\r\n[1]\r\n',
    stderr: '',
  });
  assert.equal((await shim('set "B=x y"&sh -c "echo $B"')).stdout, 'x y\n');
  assert.equal((await shim('echo %computername%-%UNSET%-%ERRORLEVEL%')).stdout, 'WINTEST-%UNSET%-0\r\n');
  assert.deepEqual(await shim('set "ORCA_Z=1"&set ORCA_Y=2&set ORCA_'), {
    code: 0,
    stdout: 'ORCA_Y=2\r\nORCA_Z=1\r\n',
    stderr: '',
  });
  assert.deepEqual(await shim('set ORCA_NONE'), {
    code: 1,
    stdout: '',
    stderr: 'Environment variable ORCA_NONE not defined\r\n',
  });
  assert.equal((await shim('set COMPUTERNAME=& set COMPUTERNAME')).code, 1, 'an empty value removes it');
});

test('cmd exit /b ends the whole cmd /c line, keeping ERRORLEVEL without a number', async () => {
  assert.deepEqual(await shim('echo a& exit /b 3& echo never'), { code: 3, stdout: 'a\r\n', stderr: '' });
  assert.equal((await shim('cmd /c exit 5 & exit /b')).code, 5);
  assert.equal((await shim('cmd /c exit /b 2 & echo after')).stdout, 'after\r\n', 'only the inner cmd ends');
});

test('cmd cd: prints, enters existing directories, fails on missing ones', async () => {
  assert.equal((await shim('cd')).stdout, 'C:\\Users\\testuser\r\n');
  assert.deepEqual(await shim('cd /d "C:\\Temp"&cd sub&cd&cd ..&echo %CD%&cd'), {
    code: 0,
    stdout: 'C:\\Temp\\sub\r\nC:\\Users\\testuser\r\nC:\\Temp\r\n', // %CD% is the line's start
    stderr: '',
  });
  assert.deepEqual(await shim('cd /d C:\\nope||echo failed %ERRORLEVEL%'), {
    code: 0,
    stdout: 'failed 0\r\n',
    stderr: 'The system cannot find the path specified.\r\n',
  });
  assert.equal((await shim('cd C:\\nope')).code, 1);
  assert.equal((await shim('cd /d C:\\Temp&cd D:\\Data&cd')).stdout, 'C:\\Temp\r\n', 'no /d: same drive');
  assert.equal((await shim('cd /d C:\\Temp&cd /d D:\\Data&cd')).stdout, 'D:\\Data\r\n');
  assert.equal((await shim('cd /d C:\\Temp&pwd')).stdout, `${join(fileRoot, 'C', 'Temp')}\n`);
  assert.equal((await shim('cd /d C:\\Temp&powershell.exe Get-Location')).stdout, 'C:\\Temp\r\n');
});

test('PowerShell $env: assignments are read back and inherited, never passed up', async () => {
  const r = await ps(
    [
      "$env:ORCA_X = 'it''s $(x)'",
      'Write-Output $env:orca_x',
      'sh -c \'printf "%s\\n" "$ORCA_X"\'',
      'cmd /c set ORCA_X',
      'cmd /c "set ORCA_X=changed"',
      'Write-Output "still $env:ORCA_X"',
      "$env:ORCA_X = ''",
      'Write-Output ($null -eq $env:ORCA_X)',
    ].join('\n'),
  );
  assert.deepEqual(r, {
    code: 0,
    stdout: "it's $(x)\r\nit's $(x)\nORCA_X=it's $(x)\r\nstill it's $(x)\r\nTrue\r\n",
    stderr: '',
  });
});

test('PowerShell Set-Location moves Get-Location, $PWD and programs, not [Environment]::CurrentDirectory', async () => {
  const r = await ps(
    [
      "Set-Location -LiteralPath 'C:\\Temp'",
      'cd sub',
      'Write-Output (Get-Location).Path "$PWD" $PWD.ProviderPath',
      'cmd /c cd',
      'Write-Output ([Environment]::CurrentDirectory)',
      '[Environment]::CurrentDirectory = $PWD.ProviderPath',
      "$f = [IO.File]::Open('made.txt', 'Create')",
      '$f.Close()',
      'Set-Location ..',
      'pwd',
    ].join('\n'),
  );
  assert.equal(
    r.stdout,
    'C:\\Temp\\sub\r\nC:\\Temp\\sub\r\nC:\\Temp\\sub\r\nC:\\Temp\\sub\r\nC:\\Users\\testuser\r\nC:\\Temp\r\n',
  );
  assert.deepEqual([r.code, r.stderr], [0, '']);
  assert.ok(
    existsSync(join(fileRoot, 'C', 'Temp', 'sub', 'made.txt')),
    'relative .NET paths use CurrentDirectory',
  );
});

test('PowerShell Set-Location to a missing directory is an error that sets $? and lets the script go on', async () => {
  const r = await ps('Set-Location -LiteralPath \'C:\\nope\'\nWrite-Output "ok=$?" (Get-Location).Path');
  assert.equal(r.stdout, 'ok=False\r\nC:\\Users\\testuser\r\n');
  assert.match(
    decodeClixml(r.stderr),
    /^Set-Location : Cannot find path 'C:\\nope' because it does not exist\.\r\nAt line:1 char:1\r\n[\s\S]*ObjectNotFound: \(C:\\nope:String\) \[Set-Location\], ItemNotFoundException\r\n {4}\+ FullyQualifiedErrorId : PathNotFound,Microsoft\.PowerShell\.Commands\.SetLocationCommand/,
  );
  const caught = await ps(
    "try { cd nope } catch { Write-Output 'not caught' }\ntry { cd nope -ErrorAction Stop } catch { Write-Output caught }",
  );
  assert.equal(caught.stdout, 'caught\r\n');
  assert.match(decodeClixml(caught.stderr), /Cannot find path 'C:\\Users\\testuser\\nope'/);
  const dotnet = await ps("[Environment]::CurrentDirectory = 'C:\\nope'");
  assert.match(
    decodeClixml(dotnet.stderr),
    /^Exception setting "CurrentDirectory": "Could not find a part of the path 'C:\\nope'\."/,
  );
});

test('PowerShell $PID and [Console]::Out', async () => {
  assert.deepEqual(
    await ps('Write-Output "PID=$PID"; [Console]::Out.Write(\'a\'); [Console]::Out.WriteLine(1)'),
    {
      code: 0,
      stdout: `PID=${process.pid}\r\na1\r\n`,
      stderr: '',
    },
  );
});
