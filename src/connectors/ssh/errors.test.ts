import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ConnectTarget, FailureKind } from '../connector.ts';
import {
  connectionLost,
  formatDuration,
  hostKeyChanged,
  openError,
  openTimeout,
  privateKeyError,
  stopError,
} from './errors.ts';

const target: ConnectTarget = {
  hostId: 'h-1',
  name: 'web-1',
  address: '10.0.0.5',
  port: 2222,
  username: 'deploy',
  knownHostKey: null,
  os: 'linux',
  shell: 'sh',
  winrm: null,
};

test('socket and DNS failures are unreachable, with the code and a hint', () => {
  for (const code of [
    'ECONNREFUSED',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ENOTFOUND',
    'EAI_AGAIN',
    'ECONNRESET',
  ]) {
    const e = openError({ message: `connect ${code}`, level: 'client-socket', code }, target, ['password']);
    assert.equal(e.kind, FailureKind.unreachable, code);
    assert.match(e.message, new RegExp(`^could not reach web-1 at 10\\.0\\.0\\.5:2222: .+ \\(${code}\\)$`));
  }
  const v6 = openError({ message: 'x', code: 'ECONNREFUSED' }, { ...target, address: '::1' }, []);
  assert.match(v6.message, /at \[::1\]:2222/);
});

test('timeouts, refused credentials and handshake garbage get their own kinds', () => {
  const kind = (error: Parameters<typeof openError>[0]) => openError(error, target, ['publickey']).kind;
  assert.equal(kind({ message: 'x', level: 'client-socket', code: 'ETIMEDOUT' }), FailureKind.timeout);
  assert.equal(kind({ message: 'Keepalive timeout', level: 'client-timeout' }), FailureKind.timeout);
  assert.equal(
    kind({ message: 'All configured authentication methods failed', level: 'client-authentication' }),
    FailureKind.auth,
  );
  assert.equal(kind({ message: 'No more authentication methods available', code: 14 }), FailureKind.auth);
  assert.equal(
    kind({ message: 'Connection lost before handshake', level: 'protocol' }),
    FailureKind.protocol,
  );
  assert.equal(
    kind({ message: 'Handshake failed: no matching cipher', level: 'handshake' }),
    FailureKind.protocol,
  );
  assert.match(
    openError({ message: 'x', level: 'client-authentication' }, target, ['publickey']).message,
    /rejected the credential for user deploy \(tried publickey\)/,
  );
});

test('a connect timeout says how far the connection got', () => {
  assert.match(
    openTimeout(target, 10_000, 'tcp').message,
    /web-1 at 10\.0\.0\.5:2222 timed out after 10s: no TCP connection/,
  );
  assert.match(openTimeout(target, 1500, 'handshake').message, /after 1\.5s: .*no SSH handshake/);
  assert.match(openTimeout(target, 250, 'auth').message, /after 250ms: .*authentication/);
  assert.equal(formatDuration(30_000), '30s');
});

test('key problems are auth failures that say which problem it is', () => {
  const encrypted = { message: 'Encrypted private OpenSSH key detected, but no passphrase given' };
  const bad = { message: 'OpenSSH key integrity check failed -- bad passphrase?' };
  assert.match(privateKeyError(bad, encrypted, true).message, /could not be decrypted: wrong passphrase$/);
  assert.match(
    privateKeyError(encrypted, null, false).message,
    /is encrypted, but the credential has no passphrase/,
  );
  assert.match(
    privateKeyError({ message: 'Unsupported key format' }, { message: 'Unsupported key format' }, true)
      .message,
    /could not be read/,
  );
  assert.equal(privateKeyError(bad, encrypted, true).kind, FailureKind.auth);
});

test('a changed host key names both keys and carries the presented one in details', () => {
  const e = hostKeyChanged(
    target,
    { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:old' },
    { algorithm: 'ssh-ed25519', fingerprint: 'SHA256:new' },
  );
  assert.equal(e.kind, FailureKind.hostKey);
  assert.match(e.message, /expected SHA256:old \(ssh-ed25519\), got SHA256:new \(ssh-ed25519\)/);
  assert.match(e.message, /POST \/api\/v1\/hosts\/h-1\/accept-host-key/);
  assert.deepEqual(e.details, {
    hostId: 'h-1',
    presentedAlgorithm: 'ssh-ed25519',
    presentedFingerprint: 'SHA256:new',
  });
});

test('a lost connection is unreachable when reset or silent, protocol otherwise', () => {
  assert.equal(connectionLost(target, { message: 'x', code: 'ECONNRESET' }).kind, FailureKind.unreachable);
  assert.equal(
    connectionLost(target, { message: 'Keepalive timeout', level: 'client-timeout' }).kind,
    FailureKind.unreachable,
  );
  assert.equal(connectionLost(target, null).kind, FailureKind.protocol);
});

test('a stopped command says whether the kill was confirmed; a consumer error passes through', () => {
  assert.equal(
    (stopError({ kind: 'timeout', ms: 30_000 }, target, true) as Error).message,
    'command exceeded its 30s timeout on web-1; it was killed',
  );
  assert.match(
    (stopError({ kind: 'canceled' }, target, false) as Error).message,
    /could not confirm that it died/,
  );
  const own = new Error('disk full');
  assert.equal(stopError({ kind: 'consumer', error: own }, target, true), own);
});
