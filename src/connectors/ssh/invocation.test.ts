import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSecretLine, encodeSecretLine } from '../../domain/secret-env.ts';
import { scriptFromInvocation } from '../windows/powershell.ts';
import { planInvocation } from './invocation.ts';

test('a stdin line travels on the channel, never in the command text', () => {
  const inv = planInvocation({ os: 'linux', shell: 'sh' }, 'echo "$ORCA_STDIN_LINE" | wc -c', {
    pidMarker: 'ORCA_PID_x',
    stdinLine: 's3cr3t-password',
  });
  assert.ok(!inv.commandLine.includes('s3cr3t-password'));
  assert.equal(inv.stdinLine, 's3cr3t-password\n');
  assert.match(inv.commandLine, /IFS= read -r ORCA_STDIN_LINE; exec <\/dev\/null/);
  assert.equal(
    planInvocation({ os: 'linux', shell: 'sh' }, 'true', { pidMarker: 'ORCA_PID_x' }).stdinLine,
    null,
  );
  assert.throws(
    () => planInvocation({ os: 'linux', shell: 'sh' }, 'true', { pidMarker: 'P', stdinLine: 'a\nb' }),
    /one line/,
  );
  assert.throws(
    () =>
      planInvocation({ os: 'windows', shell: 'powershell' }, 'whoami', { pidMarker: 'P', stdinLine: 'x' }),
    /POSIX/,
  );
});

test('secret variables follow the stdin line on the channel; PowerShell reads them from stdin; cmd refuses', () => {
  const secretEnv = { ORCA_SECRET_parameters_token: "it's\n$(id) s3cr3t" };
  const inv = planInvocation({ os: 'linux', shell: 'sh' }, 'echo "$ORCA_SECRET_parameters_token"', {
    pidMarker: 'ORCA_PID_x',
    stdinLine: 'pw',
    secretEnv,
  });
  assert.ok(!inv.commandLine.includes('s3cr3t'));
  assert.match(inv.commandLine, /read -r ORCA_STDIN_LINE; IFS= read -r ORCA_SECRETS; for orca_kv/);
  assert.equal(inv.stdinLine, `pw\n${encodeSecretLine(secretEnv)}\n`);
  assert.deepEqual(decodeSecretLine(encodeSecretLine(secretEnv)), secretEnv);

  const ps = planInvocation({ os: 'windows', shell: 'powershell' }, 'Write-Output $env:X', {
    pidMarker: 'P',
    secretEnv,
  });
  assert.ok(!ps.commandLine.includes('s3cr3t'));
  assert.ok(!ps.commandLine.includes(Buffer.from(secretEnv.ORCA_SECRET_parameters_token).toString('base64')));
  assert.match(ps.stdin ?? '', /^\$env:ORCA_SECRET_parameters_token = \[Text\.Encoding\]::UTF8\.GetString/);
  assert.equal(scriptFromInvocation(ps.commandLine, ps.stdin ?? ''), 'Write-Output $env:X');

  assert.throws(
    () => planInvocation({ os: 'windows', shell: 'cmd' }, 'echo %X%', { pidMarker: 'P', secretEnv }),
    /PowerShell/,
  );
});
