import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decryptMessage, ENCRYPTED_CONTENT_TYPE, encryptMessage } from './encryption.ts';
import { parseAuthenticate } from './ntlm/authenticate.ts';
import { NtlmClient, NtlmError, type NtlmSecurity, NtlmServer, verifyAuthenticate } from './ntlm/index.ts';
import { createSecurity } from './ntlm/security.ts';
import { fixtureJson } from './ntlm/test-fixtures.ts';

interface Entry {
  dir?: 'request' | 'response';
  status?: number;
  headers?: Array<[string, string]>;
  body_b64?: string;
  note?: string;
  soap?: string;
}
interface Transcript {
  meta: { credentials: { user: string; domain: string; password: string }; server_challenge_hex: string };
  log: Entry[];
}

const transcript = fixtureJson('generated/pywinrm-ntlm-sealed-transcript.json') as Transcript;
const headerOf = (e: Entry, name: string) =>
  e.headers?.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
const code = (c: NtlmError['code']) => (e: unknown) => e instanceof NtlmError && e.code === c;

/** Both ends of the recorded context, from the recorded tokens and the password. */
function recordedSecurity(): { server: NtlmSecurity; client: NtlmSecurity } {
  const token = (i: number, name: string) =>
    Buffer.from(headerOf(transcript.log[i]!, name)!.replace(/^Negotiate /, ''), 'base64');
  const authenticate = token(4, 'Authorization');
  const ok = verifyAuthenticate({
    negotiate: token(2, 'Authorization'),
    challenge: token(3, 'WWW-Authenticate'),
    authenticate,
    serverChallenge: Buffer.from(transcript.meta.server_challenge_hex, 'hex'),
    lookup: () => transcript.meta.credentials.password,
  });
  // pywinrm's end: the same exported key and AUTHENTICATE flags, seen from the client side.
  const client = createSecurity(ok.exportedSessionKey, parseAuthenticate(authenticate).flags, 'client');
  return { server: ok.security, client };
}
const recordedServerSecurity = () => recordedSecurity().server;

/** Every encrypted body in wire order, with the plaintext the capture says it holds. */
function sealedBodies(): Array<{
  dir: 'request' | 'response';
  body: Buffer;
  contentType: string;
  soap: string;
}> {
  const out = [];
  const log = transcript.log;
  for (let i = 0; i < log.length; i++) {
    const e = log[i]!;
    const contentType = headerOf(e, 'Content-Type');
    if (e.dir === undefined || !contentType?.startsWith('multipart/encrypted')) continue;
    // The capture notes the request's plaintext right after it and the response's right before it.
    const note = e.dir === 'request' ? log[i + 1] : log[i - 1];
    assert.equal(note?.note, e.dir === 'request' ? 'decrypted request' : 'plaintext response');
    if (e.dir === 'response') assert.equal(note?.status, e.status);
    out.push({ dir: e.dir, body: Buffer.from(e.body_b64!, 'base64'), contentType, soap: note!.soap! });
  }
  return out;
}

test('all 12 sealed bodies of the pywinrm capture open in order, in both directions', () => {
  const { server, client } = recordedSecurity();
  const bodies = sealedBodies();
  assert.equal(bodies.length, 12);
  assert.deepEqual(
    bodies.map((b) => b.dir),
    Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 'request' : 'response')),
  );
  for (const b of bodies) {
    const opener = b.dir === 'request' ? server : client;
    assert.equal(decryptMessage(opener, b.body, b.contentType).toString('utf8'), b.soap);
  }
});

test('re-sealing the recorded responses on the server end reproduces the recorded bytes', () => {
  const server = recordedServerSecurity();
  const bodies = sealedBodies();
  // Replay the server's side: re-sealing each recorded plaintext must give the recorded bytes exactly,
  // which proves the server-to-client keys, RC4 stream and sequence numbers match pywinrm's peer.
  for (const b of bodies) {
    if (b.dir === 'request') decryptMessage(server, b.body, b.contentType);
    else assert.deepEqual(encryptMessage(server, Buffer.from(b.soap, 'utf8')).body, b.body);
  }
});

test('our framing is byte-identical to the recorded pywinrm framing', () => {
  const [first] = sealedBodies();
  const head = first!.body.subarray(0, first!.body.indexOf('application/octet-stream\r\n') + 26);
  assert.equal(
    head.toString('latin1'),
    '--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n' +
      `\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${Buffer.byteLength(first!.soap)}\r\n` +
      '--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n',
  );
  assert.equal(headerOf(transcript.log[7]!, 'Content-Type'), ENCRYPTED_CONTENT_TYPE);
});

test('flipping one byte of the sealed data or the signature is a signature error', () => {
  const [first] = sealedBodies();
  const sigAt = first!.body.indexOf('application/octet-stream\r\n') + 26 + 4;
  for (const at of [sigAt + 5, sigAt + 16, sigAt + 100, first!.body.length - 30]) {
    const body = Buffer.from(first!.body);
    body[at]! ^= 0x01;
    assert.throws(
      () => decryptMessage(recordedServerSecurity(), body, first!.contentType),
      code('signature'),
    );
  }
});

test('truncated or misframed bodies are malformed', () => {
  const [first] = sealedBodies();
  const { body, contentType } = first!;
  const server = () => recordedServerSecurity();
  const bad = (b: Buffer, ct = contentType) =>
    assert.throws(() => decryptMessage(server(), b, ct), code('malformed'));
  for (const n of [0, 10, 60, 200, 250, body.length - 40, body.length - 10]) bad(body.subarray(0, n));
  bad(body, 'application/soap+xml;charset=UTF-8');
  bad(Buffer.from(body.toString('latin1').replace('Length=1683', 'Length=1684'), 'latin1'));
  bad(Buffer.from(body.toString('latin1').replace('Length=1683', 'Size=1683'), 'latin1'));
  const sigLen = Buffer.from(body);
  sigLen[body.indexOf('application/octet-stream\r\n') + 26] = 17;
  bad(sigLen);
});

test('a client and server exchange encrypted bodies through the framing', () => {
  const srv = new NtlmServer({
    lookup: () => 'pw',
    netbiosDomain: 'LAB',
    netbiosComputer: 'WIN-1',
    dnsDomain: 'lab.local',
    dnsComputer: 'win-1.lab.local',
  });
  const client = new NtlmClient({ username: 'orca', domain: 'LAB', password: 'pw' });
  const auth = client.authenticate(srv.challenge(client.negotiate()));
  const server = srv.accept(auth.message).security;
  for (let i = 0; i < 20; i++) {
    const soap = Buffer.from(`<s:Envelope>${'—'.repeat(i * 100)}</s:Envelope>`);
    const req = encryptMessage(auth.security, soap);
    assert.equal(req.contentType, ENCRYPTED_CONTENT_TYPE);
    assert.deepEqual(decryptMessage(server, req.body, req.contentType), soap);
    const res = encryptMessage(server, soap);
    assert.deepEqual(decryptMessage(auth.security, res.body, res.contentType), soap);
  }
});
