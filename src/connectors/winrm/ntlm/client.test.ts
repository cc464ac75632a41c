import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAuthenticate, withZeroMic } from './authenticate.ts';
import { AvId, avFlags, encodeAvPairs, findAv, parseAvPairs } from './avpairs.ts';
import { NtlmClient } from './client.ts';
import {
  channelBindingsHash,
  computeMic,
  gssChannelBindings,
  ntowfv2,
  ntProofStr,
  sessionBaseKey,
} from './crypto.ts';
import { NtlmError } from './errors.ts';
import { CLIENT_FLAGS, hasFlag, NtlmFlags } from './flags.ts';
import { encodeChallenge, parseNegotiate } from './messages.ts';
import { rc4 } from './rc4.ts';
import { hex, nlmpVectors } from './test-fixtures.ts';
import { ORCA_VERSION } from './wire.ts';

const { inputs, outputs } = nlmpVectors();
const spec = {
  flags: Number.parseInt(inputs.negotiate_flags_hex!, 16),
  serverChallenge: hex(inputs.server_challenge!),
  avPairs: parseAvPairs(hex(inputs.target_info_av_pairs!)),
};

/** Hands out the given buffers in order, as the client asks for random bytes. */
function scripted(...values: Buffer[]): (n: number) => Buffer {
  return (n) => {
    const v = values.shift();
    assert.ok(v !== undefined && v.length === n, `unexpected random(${n})`);
    return v;
  };
}

function specClient(): NtlmClient {
  return new NtlmClient(
    {
      username: inputs.user!,
      domain: inputs.user_domain!,
      password: inputs.password!,
      workstation: inputs.workstation,
    },
    {
      now: () => new Date(Date.UTC(1601, 0, 1)),
      random: scripted(hex(inputs.client_challenge!), hex(inputs.random_session_key!)),
    },
  );
}

const specChallenge = (overrides: Partial<{ flags: number; avPairs: typeof spec.avPairs }> = {}) =>
  encodeChallenge({ ...spec, targetName: inputs.server_name!, version: ORCA_VERSION, ...overrides });

test('NEGOTIATE asks for NTLMv2 with ESS, signing, 128-bit sealing and key exchange', () => {
  const n = parseNegotiate(new NtlmClient({ username: 'u', domain: '', password: 'p' }).negotiate());
  for (const f of ['UNICODE', 'NTLM', 'ALWAYS_SIGN', 'EXTENDED_SESSIONSECURITY', 'SIGN', 'SEAL'] as const)
    assert.ok(hasFlag(n.flags, NtlmFlags[f]), f);
  for (const f of [
    'NEGOTIATE_128',
    'NEGOTIATE_56',
    'KEY_EXCH',
    'VERSION',
    'TARGET_INFO',
    'REQUEST_TARGET',
  ] as const)
    assert.ok(hasFlag(n.flags, NtlmFlags[f]), f);
  assert.equal(n.flags, CLIENT_FLAGS);
});

test('an AUTHENTICATE built from the MS-NLMP 4.2.4 inputs carries the example responses and keys', () => {
  const { message, security } = specClient().authenticate(specChallenge());
  const a = parseAuthenticate(message);
  assert.equal(a.user, 'User');
  assert.equal(a.domain, 'Domain');
  assert.equal(a.workstation, 'COMPUTER');
  assert.equal(a.ntResponse.subarray(0, 16).toString('hex'), outputs.nt_proof_str);
  assert.equal(a.ntResponse.subarray(16).toString('hex'), outputs.temp_blob);
  assert.equal(a.lmResponse.toString('hex'), outputs.lmv2_response);
  assert.equal(a.encryptedRandomSessionKey.toString('hex'), outputs.encrypted_random_session_key);
  assert.equal(a.mic, undefined, 'no MIC without a server timestamp');
  const { sealed, signature } = security.wrap(Buffer.from(inputs.seal_plaintext_utf16le_of!, 'utf16le'));
  assert.equal(sealed.toString('hex'), outputs.sealed_plaintext);
  assert.equal(signature.toString('hex'), outputs.signature_with_key_exch);
});

test("against a modern server the client uses the server's time, Z(24) LM, MsvAvFlags and a valid MIC", () => {
  const timestamp = hex('0080209bcb82d801');
  const avPairs = [...spec.avPairs, { id: AvId.Timestamp, value: timestamp }];
  const challenge = specChallenge({ avPairs });
  const client = specClient();
  const { message } = client.authenticate(challenge, {
    targetName: 'HTTP/win-1.lab.local',
    channelBindings: gssChannelBindings(Buffer.from('tls-server-end-point:xyz')),
  });
  const a = parseAuthenticate(message);
  assert.deepEqual(a.lmResponse, Buffer.alloc(24));
  const v2 = a.ntlmv2!;
  assert.deepEqual(v2.time, timestamp);
  assert.equal(avFlags(v2.avPairs), 2);
  assert.deepEqual(
    findAv(v2.avPairs, AvId.ChannelBindings),
    channelBindingsHash(gssChannelBindings(Buffer.from('tls-server-end-point:xyz'))),
  );
  assert.equal(findAv(v2.avPairs, AvId.TargetName)?.toString('utf16le'), 'HTTP/win-1.lab.local');
  // Recompute the MIC the way a server does.
  const ntowf = ntowfv2(inputs.password!, inputs.user!, inputs.user_domain!);
  const proof = ntProofStr(ntowf, spec.serverChallenge, v2.clientBlob);
  assert.deepEqual(proof, v2.ntProofStr);
  const exported = rc4(sessionBaseKey(ntowf, proof), a.encryptedRandomSessionKey);
  assert.deepEqual(exported, hex(inputs.random_session_key!));
  assert.deepEqual(computeMic(exported, client.negotiate(), challenge, withZeroMic(message)), a.mic);
});

test('without bindings the client still sends MsvAvChannelBindings of 16 zero bytes to a modern server', () => {
  const avPairs = [...spec.avPairs, { id: AvId.Timestamp, value: Buffer.alloc(8, 1) }];
  const a = parseAuthenticate(specClient().authenticate(specChallenge({ avPairs })).message);
  assert.deepEqual(findAv(a.ntlmv2!.avPairs, AvId.ChannelBindings), Buffer.alloc(16));
  assert.equal(findAv(a.ntlmv2!.avPairs, AvId.TargetName), undefined);
  assert.equal(encodeAvPairs(a.ntlmv2!.avPairs).length + 4 + 28, a.ntlmv2!.clientBlob.length);
});

test('a server without extended session security or NTLMv2 target info is unsupported', () => {
  const isUnsupported = (e: unknown) => e instanceof NtlmError && e.code === 'unsupported';
  const noEss = specChallenge({ flags: (spec.flags & ~NtlmFlags.EXTENDED_SESSIONSECURITY) >>> 0 });
  assert.throws(() => specClient().authenticate(noEss), isUnsupported);
  assert.throws(() => specClient().authenticate(specChallenge({ avPairs: [] })), isUnsupported);
});

test('a garbled CHALLENGE is malformed', () => {
  const isMalformed = (e: unknown) => e instanceof NtlmError && e.code === 'malformed';
  assert.throws(() => specClient().authenticate(Buffer.from('not ntlm at all, not at all')), isMalformed);
  assert.throws(() => specClient().authenticate(specChallenge().subarray(0, 60)), isMalformed);
});
