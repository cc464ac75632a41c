// NEGOTIATE and CHALLENGE messages (MS-NLMP 2.2.1.1, 2.2.1.2).
import { type AvPair, encodeAvPairs, parseAvPairs } from './avpairs.ts';
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

/** A decoded NEGOTIATE message. */
export interface NegotiateMessage {
  readonly flags: number;
  /** OEM domain name, when OEM_DOMAIN_SUPPLIED. */
  readonly domain: string;
  /** OEM workstation name, when OEM_WORKSTATION_SUPPLIED. */
  readonly workstation: string;
  readonly version: NtlmVersion | undefined;
}

/** Encodes a NEGOTIATE without domain or workstation (Windows clients send none either). */
export function encodeNegotiate(flags: number, version: NtlmVersion): Buffer {
  const header = newHeader(40, MessageType.NEGOTIATE);
  header.writeUInt32LE(flags >>> 0, 12);
  header.writeUInt32LE(40, 20);
  header.writeUInt32LE(40, 28);
  encodeVersion(version).copy(header, 32);
  return header;
}

export function parseNegotiate(message: Buffer): NegotiateMessage {
  // Old clients stop after the flags (16 bytes); the name fields and VERSION are optional.
  checkHeader(message, MessageType.NEGOTIATE, 16, 'NEGOTIATE');
  const flags = message.readUInt32LE(12);
  const domain =
    message.length >= 24 && hasFlag(flags, NtlmFlags.OEM_DOMAIN_SUPPLIED)
      ? readField(message, 16, 'domain').data.toString('latin1')
      : '';
  const workstation =
    message.length >= 32 && hasFlag(flags, NtlmFlags.OEM_WORKSTATION_SUPPLIED)
      ? readField(message, 24, 'workstation').data.toString('latin1')
      : '';
  const version =
    message.length >= 40 && hasFlag(flags, NtlmFlags.VERSION)
      ? decodeVersion(message.subarray(32, 40))
      : undefined;
  return { flags, domain, workstation, version };
}

/** A decoded CHALLENGE message. */
export interface ChallengeMessage {
  readonly flags: number;
  readonly serverChallenge: Buffer;
  readonly targetName: string;
  /** The TargetInfo bytes as sent, MsvAvEOL included. */
  readonly targetInfo: Buffer;
  readonly avPairs: readonly AvPair[];
  readonly version: NtlmVersion | undefined;
}

export interface ChallengeFields {
  readonly flags: number;
  readonly serverChallenge: Buffer;
  readonly targetName: string;
  readonly avPairs: readonly AvPair[];
  readonly version: NtlmVersion;
}

export function encodeChallenge(c: ChallengeFields): Buffer {
  const header = newHeader(56, MessageType.CHALLENGE);
  header.writeUInt32LE(c.flags >>> 0, 20);
  c.serverChallenge.copy(header, 24);
  encodeVersion(c.version).copy(header, 48);
  return layout(header, [
    { at: 12, data: Buffer.from(c.targetName, 'utf16le') },
    { at: 40, data: encodeAvPairs(c.avPairs) },
  ]);
}

export function parseChallenge(message: Buffer): ChallengeMessage {
  checkHeader(message, MessageType.CHALLENGE, 48, 'CHALLENGE');
  const flags = message.readUInt32LE(20);
  const targetName = decodeText(
    readField(message, 12, 'target name').data,
    hasFlag(flags, NtlmFlags.UNICODE),
  );
  const targetInfo = readField(message, 40, 'target info').data;
  const avPairs = targetInfo.length > 0 ? parseAvPairs(targetInfo) : [];
  const version =
    message.length >= 56 && hasFlag(flags, NtlmFlags.VERSION)
      ? decodeVersion(message.subarray(48, 56))
      : undefined;
  return {
    flags,
    serverChallenge: Buffer.from(message.subarray(24, 32)),
    targetName,
    targetInfo,
    avPairs,
    version,
  };
}
