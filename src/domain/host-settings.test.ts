import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrcaError } from './errors.ts';
import { resolveConnection } from './host-settings.ts';

const fails = (fn: () => unknown, path: string) =>
  assert.throws(fn, (e: unknown) => e instanceof OrcaError && e.details[0]?.path === path);

test('a host is linux over ssh on port 22 unless told otherwise', () => {
  assert.deepEqual(resolveConnection({}), {
    os: 'linux',
    transport: 'ssh',
    shell: 'sh',
    port: 22,
    winrm: null,
  });
});

test('a windows host defaults to WinRM with NTLM encryption on 5985 and PowerShell', () => {
  const s = resolveConnection({ os: 'windows' });
  assert.equal(s.transport, 'winrm');
  assert.equal(s.shell, 'powershell');
  assert.equal(s.port, 5985);
  assert.deepEqual(s.winrm, {
    https: false,
    auth: 'negotiate',
    allowUnencrypted: false,
    caCert: null,
    skipVerify: false,
  });
});

test('https moves the default port to 5986; an explicit port is kept', () => {
  assert.equal(resolveConnection({ os: 'windows', winrm: { https: true } }).port, 5986);
  assert.equal(resolveConnection({ os: 'windows', port: 15985 }).port, 15985);
});

test('windows over OpenSSH keeps PowerShell and port 22', () => {
  const s = resolveConnection({ os: 'windows', transport: 'ssh' });
  assert.deepEqual([s.transport, s.shell, s.port, s.winrm], ['ssh', 'powershell', 22, null]);
});

test('combinations that cannot work are refused, naming the field', () => {
  fails(() => resolveConnection({ transport: 'winrm' }), 'body.transport');
  fails(() => resolveConnection({ os: 'linux', shell: 'powershell' }), 'body.shell');
  fails(() => resolveConnection({ os: 'windows', shell: 'sh' }), 'body.shell');
  fails(() => resolveConnection({ os: 'windows', transport: 'ssh', winrm: { https: true } }), 'body.winrm');
  fails(() => resolveConnection({ os: 'windows', winrm: { auth: 'basic' } }), 'body.winrm.auth');
  fails(() => resolveConnection({ os: 'windows', winrm: { skipVerify: true } }), 'body.winrm.https');
  fails(
    () => resolveConnection({ os: 'windows', winrm: { https: true, caCert: 'nope' } }),
    'body.winrm.caCert',
  );
});

test('basic is allowed over https, and over http only where the host allows unencrypted messages', () => {
  assert.equal(
    resolveConnection({ os: 'windows', winrm: { https: true, auth: 'basic' } }).winrm?.auth,
    'basic',
  );
  const plain = resolveConnection({ os: 'windows', winrm: { auth: 'basic', allowUnencrypted: true } });
  assert.equal(plain.winrm?.allowUnencrypted, true);
});

test('an update keeps what it does not mention and re-derives defaults that follow', () => {
  const win = resolveConnection({ os: 'windows', shell: 'cmd' });
  assert.equal(resolveConnection({ port: 6000 }, win).shell, 'cmd');
  const https = resolveConnection({ winrm: { https: true } }, win);
  assert.equal(https.port, 5986);
  const custom = resolveConnection({ port: 7000 }, win);
  assert.equal(resolveConnection({ winrm: { https: true } }, custom).port, 7000);
  const back = resolveConnection({ os: 'linux' }, win);
  assert.deepEqual([back.transport, back.shell, back.port, back.winrm], ['ssh', 'sh', 22, null]);
});
