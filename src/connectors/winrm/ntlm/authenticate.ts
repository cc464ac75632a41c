// AUTHENTICATE message (MS-NLMP 2.2.1.3) and the NTLMv2 response inside it (2.2.2.8).
import { AV_FLAG_MIC_PRESENT, type AvPair, avFlags, parseAvPairs } from './avpairs.ts';
import { NtlmError } from './errors.ts';
import { hasFlag, NtlmFlags } from './flags.ts';
import {
  checkHeader,
  decodeText,
  decodeVersion,
  encodeVersion,
  layout,
  MessageType,
  type NtlmVersion,
  newHeader,
  readField,
} from './wire.ts';

/** Where the MIC sits: after the fixed fields (64 bytes) and VERSION (8). */
export const MIC_OFFSET = 72;
const HEADER_WITH_MIC = MIC_OFFSET + 16;

export interface AuthenticateFields {
  readonly flags: number;
  readonly lmResponse: Buffer;
  readonly ntResponse: Buffer;
  readonly domain: string;
  readonly user: string;
  readonly workstation: string;
  readonly encryptedRandomSessionKey: Buffer;
  readonly version: NtlmVersion;
  /** Reserve the MIC field (left zero: the MIC covers this very message, so it is filled in afterwards). */
  readonly withMic: boolean;
}

/** Encodes an AUTHENTICATE with strings in UTF-16LE, payload in the order Windows uses. */
export function encodeAuthenticate(f: AuthenticateFields): Buffer {
  const header = newHeader(f.withMic ? HEADER_WITH_MIC : MIC_OFFSET, MessageType.AUTHENTICATE);
  header.writeUInt32LE(f.flags >>> 0, 60);
  encodeVersion(f.version).copy(header, 64);
  return layout(header, [
    { at: 28, data: Buffer.from(f.domain, 'utf16le') },
    { at: 36, data: Buffer.from(f.user, 'utf16le') },
    { at: 44, data: Buffer.from(f.workstation, 'utf16le') },
    { at: 12, data: f.lmResponse },
    { at: 20, data: f.ntResponse },
    { at: 52, data: f.encryptedRandomSessionKey },
  ]);
}

/** The NTLMv2 response split into its parts. */
export interface NtlmV2Response {
  readonly ntProofStr: Buffer;
  /** The NTLMv2_CLIENT_CHALLENGE after NTProofStr, i.e. the "temp" the proof was computed over. */
  readonly clientBlob: Buffer;
  readonly time: Buffer;
  readonly clientChallenge: Buffer;
  readonly avPairs: readonly AvPair[];
}

/** A decoded AUTHENTICATE message. */
export interface AuthenticateMessage {
  readonly flags: number;
  readonly lmResponse: Buffer;
  readonly ntResponse: Buffer;
  readonly domain: string;
  readonly user: string;
  readonly workstation: string;
  readonly encryptedRandomSessionKey: Buffer;
  readonly version: NtlmVersion | undefined;
  /** Present when the client's MsvAvFlags announce one; it lives at {@link MIC_OFFSET}. */
  readonly mic: Buffer | undefined;
  /** Undefined for an NTLMv1 (24-byte) NT response. */
  readonly ntlmv2: NtlmV2Response | undefined;
}

export function parseNtlmV2Response(nt: Buffer): NtlmV2Response {
  // 16-byte proof + 28 fixed bytes of blob + at least MsvAvEOL.
  if (nt.length < 48) throw new NtlmError('malformed', 'NTLMv2 response is truncated');
  const clientBlob = Buffer.from(nt.subarray(16));
  if (clientBlob[0] !== 1 || clientBlob[1] !== 1)
    throw new NtlmError('malformed', 'NTLMv2 response has an unknown blob version');
  return {
    ntProofStr: Buffer.from(nt.subarray(0, 16)),
    clientBlob,
    time: Buffer.from(clientBlob.subarray(8, 16)),
    clientChallenge: Buffer.from(clientBlob.subarray(16, 24)),
    avPairs: parseAvPairs(clientBlob.subarray(28)),
  };
}

export function parseAuthenticate(message: Buffer): AuthenticateMessage {
  checkHeader(message, MessageType.AUTHENTICATE, 64, 'AUTHENTICATE');
  const flags = message.readUInt32LE(60);
  const unicode = hasFlag(flags, NtlmFlags.UNICODE);
  const lm = readField(message, 12, 'LM response');
  const nt = readField(message, 20, 'NT response');
  const domain = readField(message, 28, 'domain');
  const user = readField(message, 36, 'user name');
  const workstation = readField(message, 44, 'workstation');
  const key = readField(message, 52, 'session key');
  // The payload starts after the optional VERSION and MIC, so the lowest offset tells which are there.
  const payloadStart = Math.min(
    ...[lm, nt, domain, user, workstation, key].filter((f) => f.data.length > 0).map((f) => f.offset),
    message.length,
  );
  const ntlmv2 = nt.data.length > 24 ? parseNtlmV2Response(nt.data) : undefined;
  const micAnnounced = ntlmv2 !== undefined && (avFlags(ntlmv2.avPairs) & AV_FLAG_MIC_PRESENT) !== 0;
  if (micAnnounced && payloadStart < HEADER_WITH_MIC)
    throw new NtlmError('malformed', 'NTLM AUTHENTICATE announces a MIC but has no room for it');
  return {
    flags,
    lmResponse: lm.data,
    ntResponse: nt.data,
    domain: decodeText(domain.data, unicode),
    user: decodeText(user.data, unicode),
    workstation: decodeText(workstation.data, unicode),
    encryptedRandomSessionKey: key.data,
    version: payloadStart >= MIC_OFFSET ? decodeVersion(message.subarray(64, 72)) : undefined,
    mic: micAnnounced ? Buffer.from(message.subarray(MIC_OFFSET, HEADER_WITH_MIC)) : undefined,
    ntlmv2,
  };
}

/** A copy of the message with the MIC field zeroed, as the MIC is computed over. */
export function withZeroMic(message: Buffer): Buffer {
  const copy = Buffer.from(message);
  copy.fill(0, MIC_OFFSET, HEADER_WITH_MIC);
  return copy;
}
