/** The SSH connector against real sshd: authentication, connect failures and host keys. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import { test } from 'node:test';
import { promisify } from 'node:util';
import type { HostKey } from '../src/connectors/connector.ts';
import {
  fx,
  open,
  password,
  rejection,
  runText,
  setUpSshServers,
  target,
  withSession,
} from './support/ssh-client.ts';
import { freePort, startSilentTcpServer, startSshd } from './support/sshd.ts';

const _run = promisify(execFile);
setUpSshServers();

test('runs whoami with a password and records the host key exactly as ssh-keygen computes it', async () => {
  await withSession(async (session) => {
    const r = await runText(session, 'whoami');
    assert.deepEqual(r, { exitCode: 0, signal: null, stdout: `${fx.sshd.user}\n`, stderr: '' });
    assert.ok(session.alive);
    const ed25519 = fx.sshd.hostKeyFingerprints.find((k) => k.algorithm === 'ssh-ed25519');
    assert.deepEqual(session.hostKey, ed25519);
  });
});

test('a password is answered through keyboard-interactive when that is all the server offers', async () => {
  const pam = await startSshd({ passwordMethod: 'keyboard-interactive' });
  try {
    await withSession(
      async (s) => assert.equal((await runText(s, 'whoami')).stdout, `${pam.user}\n`),
      target({ port: pam.port }),
    );
    const error = await rejection(open(target({ port: pam.port }), password('wrong')), 'auth');
    assert.match(error.message, /keyboard-interactive/);
  } finally {
    await pam.stop();
  }
});

test('private keys authenticate: plain, encrypted OpenSSH and encrypted PEM with the right passphrase', async () => {
  const { plain, encrypted, encryptedPem, passphrase } = fx.sshd.clientKeys;
  for (const secret of [
    { kind: 'ssh-key', privateKey: plain },
    { kind: 'ssh-key', privateKey: encrypted, passphrase },
    { kind: 'ssh-key', privateKey: encryptedPem, passphrase },
  ] as const) {
    const who = await withSession((s) => runText(s, 'whoami'), target(), secret);
    assert.equal(who.stdout, `${fx.sshd.user}\n`);
  }
});

test('a wrong, missing or unusable key passphrase fails as auth without revealing the secret', async () => {
  const { encrypted, encryptedPem } = fx.sshd.clientKeys;
  for (const privateKey of [encrypted, encryptedPem]) {
    const wrong = await rejection(
      open(target(), { kind: 'ssh-key', privateKey, passphrase: 'hunter2-wrong' }),
      'auth',
    );
    assert.match(wrong.message, /could not be decrypted: wrong passphrase/);
    assert.ok(!wrong.message.includes('hunter2'));
    const missing = await rejection(open(target(), { kind: 'ssh-key', privateKey }), 'auth');
    assert.match(missing.message, /encrypted, but the credential has no passphrase/);
  }
  const junk = await rejection(open(target(), { kind: 'ssh-key', privateKey: 'not a key at all' }), 'auth');
  assert.match(junk.message, /could not be read/);
});

test('a wrong password fails as auth and the message names the user, not the password', async () => {
  const error = await rejection(open(target(), password('s3cret-but-wrong')), 'auth');
  assert.match(
    error.message,
    new RegExp(`web-1 at 127\\.0\\.0\\.1:${fx.sshd.port} rejected the credential for user`),
  );
  assert.ok(!error.message.includes('s3cret'));
});

test('a closed port is unreachable', async () => {
  const port = await freePort();
  const error = await rejection(open(target({ port })), 'unreachable');
  assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}.*connection refused.*ECONNREFUSED`));
});

test('a TCP server that never speaks SSH times out within the connect limit', async () => {
  const silent = await startSilentTcpServer();
  try {
    const started = performance.now();
    const error = await rejection(open(target({ port: silent.port }), password(), 800), 'timeout');
    const elapsed = performance.now() - started;
    // Generous upper bound: a loaded machine is slow, but never waits for the default limits.
    assert.ok(elapsed >= 750 && elapsed < 5000, `took ${elapsed} ms`);
    assert.match(
      error.message,
      new RegExp(`127\\.0\\.0\\.1:${silent.port} timed out after 800ms.*no SSH handshake`),
    );
  } finally {
    await silent.stop();
  }
});

test('an HTTP server is a protocol failure', async () => {
  const server = http.createServer((_req, res) => res.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as net.AddressInfo;
    const error = await rejection(open(target({ port })), 'protocol');
    assert.match(error.message, /SSH/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('aborting while connecting cancels promptly', async () => {
  const silent = await startSilentTcpServer();
  try {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await rejection(open(target({ port: silent.port }), password(), 10_000, controller.signal), 'canceled');
    assert.ok(performance.now() - started < 8000, 'the abort did not cut the 10 s connect limit short');
    await rejection(open(target(), password(), 5000, AbortSignal.abort()), 'canceled');
  } finally {
    await silent.stop();
  }
});

test('a changed host key is refused with both fingerprints; the recorded one is accepted', async () => {
  const own = await startSshd();
  try {
    const first = await open(target({ port: own.port }));
    const recorded = first.hostKey as HostKey;
    await first.close();
    assert.ok(own.hostKeyFingerprints.some((k) => k.fingerprint === recorded.fingerprint));
    // The recorded key is accepted, including an RSA one while the server also has Ed25519.
    const rsa = own.hostKeyFingerprints.find((k) => k.algorithm === 'ssh-rsa') as HostKey;
    for (const known of [recorded, rsa]) {
      const again = await open(target({ port: own.port, knownHostKey: known }));
      assert.deepEqual(again.hostKey, known);
      await again.close();
    }
    await own.restartWithNewHostKeys();
    const presented = own.hostKeyFingerprints.find((k) => k.algorithm === recorded.algorithm) as HostKey;
    assert.notEqual(presented.fingerprint, recorded.fingerprint);
    const error = await rejection(open(target({ port: own.port, knownHostKey: recorded })), 'host-key');
    assert.deepEqual(error.details, {
      hostId: 'host-1',
      presentedAlgorithm: presented.algorithm,
      presentedFingerprint: presented.fingerprint,
    });
    assert.equal(
      error.message,
      `host key for web-1 changed: expected ${recorded.fingerprint} (${recorded.algorithm}), got ` +
        `${presented.fingerprint} (${presented.algorithm}). If the change is expected, accept the new key in ` +
        'Hosts → web-1 (or POST /api/v1/hosts/host-1/accept-host-key)',
    );
  } finally {
    await own.stop();
  }
});
