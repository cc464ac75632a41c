// Shared pieces of the NTLMSSP wire format: header, payload fields, VERSION.
import { NtlmError } from './errors.ts';

export const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

export const MessageType = { NEGOTIATE: 1, CHALLENGE: 2, AUTHENTICATE: 3 } as const;

/** The VERSION structure (2.2.2.10); informational only, never used for decisions. */
export interface NtlmVersion {
  readonly major: number;
  readonly minor: number;
  readonly build: number;
  /** NTLMRevisionCurrent, 15 for every current implementation. */
  readonly revision: number;
}

/** What orca announces: Windows 10 / Server 2016+ numbering, NTLM revision 15. */
export const ORCA_VERSION: NtlmVersion = { major: 10, minor: 0, build: 20348, revision: 15 };

export function encodeVersion(v: NtlmVersion): Buffer {
  const b = Buffer.alloc(8);
  b[0] = v.major;
  b[1] = v.minor;
  b.writeUInt16LE(v.build, 2);
  b[7] = v.revision;
  return b;
}

export function decodeVersion(b: Buffer): NtlmVersion {
  return { major: b[0]!, minor: b[1]!, build: b.readUInt16LE(2), revision: b[7]! };
}

/** Checks the signature and message type and that the fixed header fits. */
export function checkHeader(message: Buffer, type: number, minLength: number, what: string): void {
  if (message.length < minLength) throw new NtlmError('malformed', `NTLM ${what} message is truncated`);
  if (!message.subarray(0, 8).equals(SIGNATURE))
    throw new NtlmError('malformed', `not an NTLM ${what} message (no NTLMSSP signature)`);
  if (message.readUInt32LE(8) !== type)
    throw new NtlmError('malformed', `expected an NTLM ${what} message, got type ${message.readUInt32LE(8)}`);
}

/** A payload field's bytes (Len, MaxLen, Offset at `at`); a field pointing outside the message is malformed. */
export function readField(message: Buffer, at: number, what: string): { data: Buffer; offset: number } {
  const length = message.readUInt16LE(at);
  const offset = message.readUInt32LE(at + 4);
  if (length === 0) return { data: Buffer.alloc(0), offset };
  if (offset + length > message.length)
    throw new NtlmError('malformed', `NTLM ${what} field points outside the message`);
  return { data: Buffer.from(message.subarray(offset, offset + length)), offset };
}

/**
 * Lays out a message: a fixed header of `headerLength` bytes followed by the payload fields, each one's
 * Len/MaxLen/Offset written at its given header position.
 */
export function layout(header: Buffer, fields: ReadonlyArray<{ at: number; data: Buffer }>): Buffer {
  let offset = header.length;
  for (const f of fields) {
    header.writeUInt16LE(f.data.length, f.at);
    header.writeUInt16LE(f.data.length, f.at + 2);
    header.writeUInt32LE(offset, f.at + 4);
    offset += f.data.length;
  }
  return Buffer.concat([header, ...fields.map((f) => f.data)]);
}

export function newHeader(length: number, type: number): Buffer {
  const h = Buffer.alloc(length);
  SIGNATURE.copy(h, 0);
  h.writeUInt32LE(type, 8);
  return h;
}

/** Decodes a string field as UTF-16LE when UNICODE was negotiated, else as the OEM (Latin-1) charset. */
export function decodeText(data: Buffer, unicode: boolean): string {
  return data.toString(unicode ? 'utf16le' : 'latin1');
}
