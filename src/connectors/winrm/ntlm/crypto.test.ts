import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { encodeAvPairs, parseAvPairs } from './avpairs.ts';
import {
  channelBindingsHash,
  fileTime,
  gssChannelBindings,
  lmv2Response,
  ntlmv2ClientBlob,
  ntowfv1,
  ntowfv2,
  ntProofStr,
  sealKey,
  sessionBaseKey,
  signKey,
  windowsUpper,
} from './crypto.ts';
import { NtlmFlags } from './flags.ts';
import { rc4 } from './rc4.ts';
import { hex, nlmpVectors } from './test-fixtures.ts';

const { inputs, outputs } = nlmpVectors();
const ntowf = ntowfv2(inputs.password!, inputs.user!, inputs.user_domain!);
// The fixture's hex carries one stray trailing byte after MsvAvEOL; re-encoding gives the spec's 36 bytes.
const targetInfo = encodeAvPairs(parseAvPairs(hex(inputs.target_info_av_pairs!)));
const blob = ntlmv2ClientBlob(hex(inputs.time!), hex(inputs.client_challenge!), targetInfo);
const proof = ntProofStr(ntowf, hex(inputs.server_challenge!), blob);
const flags = Number.parseInt(inputs.negotiate_flags_hex!, 16);

test('the MS-NLMP 4.2.4 flags decode to the names the example lists', () => {
  assert.equal(flags >>> 0, 0xe28a8233);
  assert.ok(flags & NtlmFlags.KEY_EXCH && flags & NtlmFlags.EXTENDED_SESSIONSECURITY);
  assert.equal(targetInfo.length, 36);
  assert.ok(hex(inputs.target_info_av_pairs!).subarray(0, 36).equals(targetInfo));
});

test('NTOWFv1 and NTOWFv2 match MS-NLMP 4.2.4', () => {
  assert.equal(ntowfv1(inputs.password!).toString('hex'), outputs.ntowfv1_nt_hash);
  assert.equal(ntowf.toString('hex'), outputs.ntowfv2);
});

test('the NTLMv2 client blob, NTProofStr and LMv2 response match MS-NLMP 4.2.4', () => {
  assert.equal(blob.toString('hex'), outputs.temp_blob);
  assert.equal(proof.toString('hex'), outputs.nt_proof_str);
  const lm = lmv2Response(ntowf, hex(inputs.server_challenge!), hex(inputs.client_challenge!));
  assert.equal(lm.toString('hex'), outputs.lmv2_response);
});

test('the session base key and the encrypted random session key match MS-NLMP 4.2.4', () => {
  const keyExchangeKey = sessionBaseKey(ntowf, proof);
  assert.equal(keyExchangeKey.toString('hex'), outputs.session_base_key_eq_key_exchange_key);
  const encrypted = rc4(keyExchangeKey, hex(inputs.random_session_key!));
  assert.equal(encrypted.toString('hex'), outputs.encrypted_random_session_key);
});

test('the four signing and sealing keys match MS-NLMP 4.2.4', () => {
  const key = hex(inputs.random_session_key!);
  assert.equal(signKey(key, 'client-to-server').toString('hex'), outputs.client_signing_key);
  assert.equal(signKey(key, 'server-to-client').toString('hex'), outputs.server_signing_key);
  assert.equal(sealKey(key, flags, 'client-to-server').toString('hex'), outputs.client_sealing_key);
  assert.equal(sealKey(key, flags, 'server-to-client').toString('hex'), outputs.server_sealing_key);
});

test('sealing keys shrink to 56 or 40 bits when 128-bit is not negotiated', () => {
  const key = hex(inputs.random_session_key!);
  const only56 = (flags & ~NtlmFlags.NEGOTIATE_128) >>> 0;
  const only40 = (only56 & ~NtlmFlags.NEGOTIATE_56) >>> 0;
  const k56 = sealKey(key, only56, 'client-to-server');
  assert.deepEqual(
    k56,
    sealKey(Buffer.concat([key.subarray(0, 7), Buffer.alloc(9, 1)]), only56, 'client-to-server'),
  );
  assert.notDeepEqual(k56, sealKey(key, flags, 'client-to-server'));
  assert.notDeepEqual(sealKey(key, only40, 'client-to-server'), k56);
});

test('the user name is upper-cased but the domain keeps its case', () => {
  assert.deepEqual(ntowfv2('Password', 'user', 'Domain'), ntowf);
  assert.notDeepEqual(ntowfv2('Password', 'User', 'DOMAIN'), ntowf);
  assert.equal(windowsUpper('straße'), 'STRAßE');
});

test('FILETIME counts 100 ns ticks from 1601', () => {
  assert.equal(fileTime(new Date(Date.UTC(1601, 0, 1))).toString('hex'), '0000000000000000');
  // 2020-01-01T00:00:00Z = 132223104000000000 ticks.
  assert.equal(fileTime(new Date('2020-01-01T00:00:00Z')).readBigUInt64LE(), 132223104000000000n);
});

test('without channel bindings the hash is 16 zero bytes; with them it is MD5 of the GSS structure', () => {
  assert.deepEqual(channelBindingsHash(undefined), Buffer.alloc(16));
  const gss = gssChannelBindings(Buffer.from('tls-server-end-point:abc'));
  assert.equal(
    gss.toString('hex'),
    `${'00'.repeat(16)}18000000${Buffer.from('tls-server-end-point:abc').toString('hex')}`,
  );
  assert.deepEqual(channelBindingsHash(gss), createHash('md5').update(gss).digest());
});
