// The NTLMv2 computations of MS-NLMP 3.3.2 and the key derivations of 3.4.5; pure functions of bytes.
import { createHash, createHmac } from 'node:crypto';
import { hasFlag, NtlmFlags } from './flags.ts';
import { md4Digest } from './md4.ts';

export function hmacMd5(key: Buffer, ...data: Buffer[]): Buffer {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
}

export function md5(...data: Buffer[]): Buffer {
  const h = createHash('md5');
  for (const d of data) h.update(d);
  return h.digest();
}

export function utf16le(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}

/**
 * Upper-cases one UTF-16 unit at a time, as Windows does for the NTOWFv2 user name: String#toUpperCase
 * alone would turn 'ß' into 'SS' and change the hash input.
 */
export function windowsUpper(text: string): string {
  let out = '';
  for (const c of text) {
    const u = c.toUpperCase();
    out += u.length === c.length ? u : c;
  }
  return out;
}

/** NTOWFv1: MD4 of the UTF-16LE password (the "NT hash"). */
export function ntowfv1(password: string): Buffer {
  return md4Digest(utf16le(password));
}

/** NTOWFv2 = HMAC_MD5(NTOWFv1, UTF16LE(UPPER(user) + domain)); the domain keeps its case. */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(ntowfv1(password), utf16le(windowsUpper(user) + domain));
}

/** The NTLMv2_CLIENT_CHALLENGE ("temp") of 3.3.2; `targetInfo` ends with MsvAvEOL. */
export function ntlmv2ClientBlob(time: Buffer, clientChallenge: Buffer, targetInfo: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    time,
    clientChallenge,
    Buffer.alloc(4),
    targetInfo,
    Buffer.alloc(4),
  ]);
}

export function ntProofStr(ntowf: Buffer, serverChallenge: Buffer, clientBlob: Buffer): Buffer {
  return hmacMd5(ntowf, serverChallenge, clientBlob);
}

/** LMv2 response: HMAC_MD5(NTOWFv2, server challenge + client challenge) + client challenge. */
export function lmv2Response(ntowf: Buffer, serverChallenge: Buffer, clientChallenge: Buffer): Buffer {
  return Buffer.concat([hmacMd5(ntowf, serverChallenge, clientChallenge), clientChallenge]);
}

/** SessionBaseKey, which for NTLMv2 is also the KeyExchangeKey (3.4.5.1). */
export function sessionBaseKey(ntowf: Buffer, proof: Buffer): Buffer {
  return hmacMd5(ntowf, proof);
}

/** MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE + CHALLENGE + AUTHENTICATE with a zeroed MIC field). */
export function computeMic(
  exportedSessionKey: Buffer,
  negotiate: Buffer,
  challenge: Buffer,
  authenticate: Buffer,
) {
  return hmacMd5(exportedSessionKey, negotiate, challenge, authenticate);
}

/** Which end of the connection a key belongs to. */
export type Direction = 'client-to-server' | 'server-to-client';

// The magic constants include their terminating NUL (MS-NLMP 3.4.5.2/3.4.5.3).
function magic(kind: 'signing' | 'sealing', direction: Direction): Buffer {
  return Buffer.from(`session key to ${direction} ${kind} key magic constant\0`, 'latin1');
}

/** SIGNKEY with extended session security (3.4.5.2). */
export function signKey(exportedSessionKey: Buffer, direction: Direction): Buffer {
  return md5(exportedSessionKey, magic('signing', direction));
}

/** SEALKEY with extended session security (3.4.5.3): the session key is cut to 16, 7 or 5 bytes first. */
export function sealKey(exportedSessionKey: Buffer, flags: number, direction: Direction): Buffer {
  const length = hasFlag(flags, NtlmFlags.NEGOTIATE_128)
    ? 16
    : hasFlag(flags, NtlmFlags.NEGOTIATE_56)
      ? 7
      : 5;
  return md5(exportedSessionKey.subarray(0, length), magic('sealing', direction));
}

/** Windows FILETIME (100 ns ticks since 1601-01-01 UTC), little-endian, as MsvAvTimestamp carries it. */
export function fileTime(date: Date): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE((BigInt(date.getTime()) + 11644473600000n) * 10000n);
  return out;
}

/**
 * Serializes a gss_channel_bindings_struct (RFC 2744) with empty initiator/acceptor addresses, as used for
 * TLS channel binding: `applicationData` is e.g. 'tls-server-end-point:' + certificate hash (RFC 5929).
 */
export function gssChannelBindings(applicationData: Buffer): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt32LE(applicationData.length, 16);
  return Buffer.concat([header, applicationData]);
}

/**
 * MsvAvChannelBindings value: MD5 of the serialized gss_channel_bindings_struct. Without bindings it is
 * 16 zero bytes, which is what Windows clients send over plain HTTP.
 */
export function channelBindingsHash(gssBindings: Buffer | undefined): Buffer {
  return gssBindings === undefined ? Buffer.alloc(16) : md5(gssBindings);
}
