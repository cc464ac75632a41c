import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePowerShell } from '../connectors/windows/powershell.ts';
import { POSIX_FACTS_COMMAND, WINDOWS_FACTS_SCRIPT } from '../domain/host-facts.ts';
import { factsCommand } from './facts.ts';

test('the facts command fits the shell: sh, PowerShell itself, or powershell.exe from cmd', () => {
  assert.equal(factsCommand({ os: 'linux', shell: 'sh' }), POSIX_FACTS_COMMAND);
  assert.equal(factsCommand({ os: 'windows', shell: 'powershell' }), WINDOWS_FACTS_SCRIPT);
  const cmd = factsCommand({ os: 'windows', shell: 'cmd' });
  const encoded = /-EncodedCommand ([A-Za-z0-9+/=]+)$/.exec(cmd)?.[1];
  assert.ok(encoded, cmd);
  assert.ok(decodePowerShell(encoded).includes(WINDOWS_FACTS_SCRIPT.split('\n')[0] as string));
});
