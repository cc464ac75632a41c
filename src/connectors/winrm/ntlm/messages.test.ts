import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAuthenticate, withZeroMic } from './authenticate.ts';
import { AV_FLAG_MIC_PRESENT, AvId, avFlags, avString, findAv } from './avpairs.ts';
import { NtlmError } from './errors.ts';
import { CLIENT_FLAGS, hasFlag, NtlmFlags } from './flags.ts';
import { encodeChallenge, encodeNegotiate, parseChallenge, parseNegotiate } from './messages.ts';
import { fixtureBytes } from './test-fixtures.ts';
import { ORCA_VERSION } from './wire.ts';

const isMalformed = (e: unknown) => e instanceof NtlmError && e.code === 'malformed';

test('a captured NEGOTIATE parses to its flags and version', () => {
  const n = parseNegotiate(fixtureBytes('pyspnego/ntlm/ntlm_negotiate'));
  assert.equal(n.flags >>> 0, 0xe20882b7);
  assert.ok(hasFlag(n.flags, NtlmFlags.EXTENDED_SESSIONSECURITY) && hasFlag(n.flags, NtlmFlags.KEY_EXCH));
  assert.deepEqual(n.version, { major: 10, minor: 0, build: 17763, revision: 15 });
  assert.equal(n.domain, '');
});

test("a domain controller's CHALLENGE parses to target name, challenge, AV pairs and version", () => {
  const c = parseChallenge(fixtureBytes('pyspnego/ntlm/ntlm_challenge'));
  assert.equal(c.flags >>> 0, 0xe2898235);
  assert.equal(c.targetName, 'DOMAIN');
  assert.equal(c.serverChallenge.toString('hex'), 'e4101014cf8a90be');
  assert.deepEqual(
    c.avPairs.map((p) => p.id),
    [AvId.NbDomainName, AvId.NbComputerName, AvId.DnsDomainName, AvId.DnsComputerName, AvId.DnsTreeName, 7],
  );
  assert.equal(avString(c.avPairs, AvId.NbComputerName), 'DC01');
  assert.equal(avString(c.avPairs, AvId.DnsComputerName), 'DC01.domain.local');
  assert.equal(avString(c.avPairs, AvId.DnsTreeName), 'domain.local');
  assert.equal(findAv(c.avPairs, AvId.Timestamp)?.toString('hex'), 'f8819288991ed601');
  assert.deepEqual(c.version, { major: 10, minor: 0, build: 14393, revision: 15 });
});

test('an AUTHENTICATE with a UPN user and no MIC field parses', () => {
  const a = parseAuthenticate(fixtureBytes('pyspnego/ntlm/ntlm_authenticate'));
  assert.equal(a.user, 'vagrant-domain@DOMAIN.LOCAL');
  assert.equal(a.domain, '');
  assert.equal(a.workstation, 'JBOREAN-LINUX');
  assert.equal(a.lmResponse.length, 0);
  assert.equal(a.encryptedRandomSessionKey.length, 16);
  assert.equal(a.mic, undefined);
  assert.equal(avFlags(a.ntlmv2!.avPairs), 0);
  assert.equal(avString(a.ntlmv2!.avPairs, AvId.TargetName), 'dc01.domain.local');
  assert.deepEqual(findAv(a.ntlmv2!.avPairs, AvId.ChannelBindings), Buffer.alloc(16));
  assert.equal(a.ntlmv2!.time.toString('hex'), 'f8819288991ed601');
});

test('an AUTHENTICATE announcing a MIC exposes the MIC at offset 72', () => {
  const raw = fixtureBytes('pyspnego/ntlm/ntlm_authenticate_no_sign_seal');
  const a = parseAuthenticate(raw);
  assert.equal(a.user, 'vagrant');
  assert.equal(a.domain, '');
  assert.equal(avFlags(a.ntlmv2!.avPairs) & AV_FLAG_MIC_PRESENT, AV_FLAG_MIC_PRESENT);
  assert.equal(a.mic?.toString('hex'), 'fe935dc88b782a1c01ae3965cf77627d');
  assert.equal(avString(a.ntlmv2!.avPairs, AvId.TargetName), 'HOST/192.168.121.229');
  assert.ok(!hasFlag(a.flags, NtlmFlags.SEAL));
  assert.deepEqual(withZeroMic(raw).subarray(72, 88), Buffer.alloc(16));
});

test('our NEGOTIATE and CHALLENGE parse back to what was encoded', () => {
  const n = parseNegotiate(encodeNegotiate(CLIENT_FLAGS, ORCA_VERSION));
  assert.equal(n.flags, CLIENT_FLAGS);
  assert.deepEqual(n.version, ORCA_VERSION);
  const pairs = [{ id: AvId.NbDomainName, value: Buffer.from('LAB', 'utf16le') }];
  const challenge = encodeChallenge({
    flags: CLIENT_FLAGS | NtlmFlags.TARGET_INFO,
    serverChallenge: Buffer.from('0123456789abcdef', 'hex'),
    targetName: 'LAB',
    avPairs: pairs,
    version: ORCA_VERSION,
  });
  const c = parseChallenge(challenge);
  assert.equal(c.targetName, 'LAB');
  assert.deepEqual(c.avPairs, pairs);
  assert.equal(c.serverChallenge.toString('hex'), '0123456789abcdef');
});

test('truncated, mistyped or out-of-bounds tokens are malformed', () => {
  const challenge = fixtureBytes('pyspnego/ntlm/ntlm_challenge');
  assert.throws(() => parseChallenge(challenge.subarray(0, 40)), isMalformed);
  assert.throws(() => parseChallenge(challenge.subarray(0, challenge.length - 10)), isMalformed);
  assert.throws(() => parseChallenge(fixtureBytes('pyspnego/ntlm/ntlm_negotiate')), isMalformed);
  assert.throws(() => parseNegotiate(Buffer.from('NTLMSSX\0\x01\0\0\0\0\0\0\0', 'latin1')), isMalformed);
  const noEol = Buffer.from(challenge);
  noEol.writeUInt16LE(noEol.readUInt16LE(40) - 4, 40); // drop MsvAvEOL from the target info
  assert.throws(() => parseChallenge(noEol), isMalformed);
  const auth = fixtureBytes('pyspnego/ntlm/ntlm_authenticate');
  assert.throws(() => parseAuthenticate(auth.subarray(0, 200)), isMalformed);
  assert.throws(() => parseAuthenticate(Buffer.alloc(0)), isMalformed);
});
