import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIC_OFFSET } from './authenticate.ts';
import { NtlmClient, NtlmError, NtlmServer, parseUserName, verifyAuthenticate } from './index.ts';
import { parseChallenge } from './messages.ts';
import { fixtureJson } from './test-fixtures.ts';

const users = new Map([
  ['LAB\\orca', 'Orca-Test-Passw0rd!'],
  ['\\alice@lab.local', 'Wonderland-1'],
]);
const calls: Array<[string, string]> = [];

function server(): NtlmServer {
  return new NtlmServer({
    lookup: (user, domain) => {
      calls.push([user, domain]);
      return users.get(`${domain}\\${user}`);
    },
    netbiosDomain: 'LAB',
    netbiosComputer: 'WIN-1',
    dnsDomain: 'lab.local',
    dnsComputer: 'win-1.lab.local',
  });
}

function handshake(user: string, password: string, srv = server()) {
  const client = new NtlmClient({ ...parseUserName(user), password });
  const challenge = srv.challenge(client.negotiate());
  const { message, security } = client.authenticate(challenge);
  return { srv, message, client: security, accept: () => srv.accept(message) };
}

const code = (c: NtlmError['code']) => (e: unknown) => e instanceof NtlmError && e.code === c;

test('parseUserName splits DOMAIN\\user and keeps UPNs whole with an empty domain', () => {
  assert.deepEqual(parseUserName('LAB\\orca'), { domain: 'LAB', username: 'orca' });
  assert.deepEqual(parseUserName('alice@lab.local'), { domain: '', username: 'alice@lab.local' });
  assert.deepEqual(parseUserName('admin'), { domain: '', username: 'admin' });
});

test('the CHALLENGE carries the server names and a timestamp', () => {
  const c = parseChallenge(
    server().challenge(new NtlmClient({ username: 'u', domain: '', password: '' }).negotiate()),
  );
  assert.equal(c.targetName, 'LAB');
  assert.deepEqual(
    c.avPairs.map((p) => p.id),
    [2, 1, 4, 3, 7],
  );
});

test('client and server authenticate each other and exchange many sealed messages both ways', () => {
  const h = handshake('LAB\\orca', 'Orca-Test-Passw0rd!');
  const { user, domain, security } = h.accept();
  assert.deepEqual([user, domain], ['orca', 'LAB']);
  for (let i = 0; i < 100; i++) {
    const req = Buffer.from(`<Envelope n="${i}">${'é'.repeat(i)}</Envelope>`);
    const up = h.client.wrap(req);
    assert.deepEqual(security.unwrap(up.sealed, up.signature), req);
    const res = Buffer.from(`<Response n="${i}"/>`);
    const down = security.wrap(res);
    assert.deepEqual(h.client.unwrap(down.sealed, down.signature), res);
  }
});

test('a UPN is looked up exactly as the client sent it', () => {
  calls.length = 0;
  const { user, domain } = handshake('alice@lab.local', 'Wonderland-1').accept();
  assert.deepEqual([user, domain], ['alice@lab.local', '']);
  assert.deepEqual(calls, [['alice@lab.local', '']]);
});

test('a wrong password or unknown user fails with auth', () => {
  assert.throws(() => handshake('LAB\\orca', 'wrong').accept(), code('auth'));
  assert.throws(() => handshake('LAB\\nobody', 'x').accept(), code('auth'));
});

test('a tampered AUTHENTICATE fails the MIC check', () => {
  const h = handshake('LAB\\orca', 'Orca-Test-Passw0rd!');
  h.message[MIC_OFFSET]! ^= 1;
  assert.throws(() => h.accept(), code('auth'));
});

test('a replayed or out-of-order sealed message is rejected', () => {
  const h = handshake('LAB\\orca', 'Orca-Test-Passw0rd!');
  const { security } = h.accept();
  const m0 = h.client.wrap(Buffer.from('first'));
  const m1 = h.client.wrap(Buffer.from('second'));
  assert.throws(() => security.unwrap(m1.sealed, m1.signature), code('signature'));
  security.unwrap(m0.sealed, m0.signature);
  assert.throws(() => security.unwrap(m0.sealed, m0.signature), code('signature'));
});

test('an AUTHENTICATE is accepted once per CHALLENGE and not before one', () => {
  const h = handshake('LAB\\orca', 'Orca-Test-Passw0rd!');
  h.accept();
  assert.throws(() => h.accept(), code('malformed'));
  assert.throws(() => server().accept(h.message), code('malformed'));
  assert.throws(() => server().challenge(Buffer.from('garbage!')), code('malformed'));
});

interface Transcript {
  meta: { credentials: { user: string; domain: string; password: string }; server_challenge_hex: string };
  log: Array<{ headers?: Array<[string, string]>; note?: string; exported_session_key?: string }>;
}

test("pywinrm's recorded AUTHENTICATE verifies, MIC included, and yields the recorded session key", () => {
  const t = fixtureJson('generated/pywinrm-ntlm-sealed-transcript.json') as Transcript;
  const token = (i: number, name: string) =>
    Buffer.from(t.log[i]!.headers!.find(([k]) => k === name)![1].replace(/^Negotiate /, ''), 'base64');
  const { credentials } = t.meta;
  const input = {
    negotiate: token(2, 'Authorization'),
    challenge: token(3, 'WWW-Authenticate'),
    authenticate: token(4, 'Authorization'),
    serverChallenge: Buffer.from(t.meta.server_challenge_hex, 'hex'),
  };
  const ok = verifyAuthenticate({
    ...input,
    lookup: (u, d) => (u === credentials.user && d === credentials.domain ? credentials.password : undefined),
  });
  assert.deepEqual([ok.user, ok.domain], ['orca', 'LAB']);
  const authenticated = t.log.find((e) => e.note === 'authenticated')!;
  assert.equal(ok.exportedSessionKey.toString('hex'), authenticated.exported_session_key);
  assert.throws(() => verifyAuthenticate({ ...input, lookup: () => 'not the password' }), code('auth'));
  const otherNegotiate = Buffer.from(input.negotiate);
  otherNegotiate[12]! ^= 0x10;
  assert.throws(
    () => verifyAuthenticate({ ...input, negotiate: otherNegotiate, lookup: () => credentials.password }),
    code('auth'),
  );
});
