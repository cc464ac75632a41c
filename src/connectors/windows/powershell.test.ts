import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  COMMAND_LINE_LIMIT,
  cmdCommandLine,
  decodePowerShell,
  encodePowerShell,
  planPowerShell,
  powershellCommandLine,
  scriptFromInvocation,
  unwrapPowerShell,
  wrapPowerShell,
} from './powershell.ts';

const PREFIX = 'powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass';

test('encodePowerShell gives the base64 of UTF-16LE that -EncodedCommand expects', () => {
  assert.equal(encodePowerShell('Write-Output hi'), 'VwByAGkAdABlAC0ATwB1AHQAcAB1AHQAIABoAGkA');
  assert.equal(
    encodePowerShell('Write-Output hi'),
    Buffer.from('Write-Output hi', 'utf16le').toString('base64'),
  );
  for (const script of ['', 'Write-Host こんにちは', 'emoji 🚀 and\r\nlines\t"quoted"']) {
    assert.equal(decodePowerShell(encodePowerShell(script)), script);
  }
});

test('the wrapper silences progress, runs the script as one script block and maps the exit code', () => {
  const wrapped = wrapPowerShell('Get-Item C:\\');
  assert.deepEqual(wrapped.split('\n'), [
    "$ProgressPreference = 'SilentlyContinue'",
    '$global:OrcaLastOk = $true',
    "& ([scriptblock]::Create('Get-Item C:\\",
    "$global:OrcaLastOk = $?'))",
    'if ($LASTEXITCODE) { exit $LASTEXITCODE }',
    'if (-not $global:OrcaLastOk) { exit 1 }',
    'exit 0',
  ]);
});

test('quotes of every kind PowerShell knows are doubled, so no script can end the literal early', () => {
  const nasty = "Write-Output 'it''s' ‘curly’ ‚low‛ ')) ; exit 3 #\nWrite-Output @'\nhere\n'@";
  const wrapped = wrapPowerShell(nasty);
  const literal = /Create\('([\s\S]*)'\)\)$/m.exec(wrapped)![1]!;
  // Inside the literal, quote characters only ever come in pairs.
  assert.equal(literal.replace(/(['‘’‚‛])\1/g, ''), literal.replace(/['‘’‚‛]/g, ''));
  assert.equal(unwrapPowerShell(wrapped), nasty);
});

test('the inline command line is powershell.exe with the options and the encoded wrapped script', () => {
  const line = powershellCommandLine('Write-Output hi');
  assert.ok(line.startsWith(`${PREFIX} -EncodedCommand `));
  const encoded = line.slice(`${PREFIX} -EncodedCommand `.length);
  assert.equal(decodePowerShell(encoded), wrapPowerShell('Write-Output hi'));
  assert.deepEqual(planPowerShell('Write-Output hi'), { mode: 'inline', commandLine: line });
  assert.equal(scriptFromInvocation(line), 'Write-Output hi');
});

test('a script too long for 8191 characters of command line goes through stdin, as one bootstrap line', () => {
  assert.equal(COMMAND_LINE_LIMIT, 8191);
  // Find the boundary: the longest script that still fits inline.
  let n = 0;
  while (powershellCommandLine('x'.repeat(n + 1)).length <= COMMAND_LINE_LIMIT) n++;
  assert.equal(planPowerShell('x'.repeat(n)).mode, 'inline');
  assert.equal(planPowerShell('x'.repeat(n)).commandLine.length <= COMMAND_LINE_LIMIT, true);

  const script = `${'Write-Output "line"\n'.repeat(2000)}if ($true) {\n  exit 4\n}`;
  const plan = planPowerShell(script);
  assert.equal(plan.mode, 'stdin');
  assert.equal(plan.commandLine, `${PREFIX} -Command -`);
  if (plan.mode !== 'stdin') return;
  assert.ok(plan.stdin.endsWith('\r\n\r\n'));
  // One statement on one line: PowerShell's line-by-line reading of stdin cannot split the script.
  assert.equal(plan.stdin.trimEnd().includes('\n'), false);
  assert.match(
    plan.stdin,
    /^& \(\[scriptblock\]::Create\(\[Text\.Encoding\]::Unicode\.GetString\(\[Convert\]::FromBase64String\('[A-Za-z0-9+/=]+'\)\)\)\)\r\n\r\n$/,
  );
  assert.equal(scriptFromInvocation(plan.commandLine, plan.stdin), script);
  assert.equal(scriptFromInvocation('cmd.exe /c dir'), undefined);
});

test('cmd commands run through cmd.exe /c as written', () => {
  assert.equal(
    cmdCommandLine('echo out && echo err>&2 && exit 1'),
    'cmd.exe /c echo out && echo err>&2 && exit 1',
  );
});
