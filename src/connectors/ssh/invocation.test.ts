import assert from 'node:assert/strict';
import { test } from 'node:test';
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
