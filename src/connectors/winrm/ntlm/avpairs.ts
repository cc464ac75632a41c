// AV_PAIR lists (MS-NLMP 2.2.2.1): the CHALLENGE's TargetInfo and the NTLMv2 client blob's copy of it.
import { NtlmError } from './errors.ts';

/** AV_PAIR identifiers. */
export const AvId = {
  EOL: 0,
  NbComputerName: 1,
  NbDomainName: 2,
  DnsComputerName: 3,
  DnsDomainName: 4,
  DnsTreeName: 5,
  Flags: 6,
  Timestamp: 7,
  SingleHost: 8,
  TargetName: 9,
  ChannelBindings: 10,
} as const;

/** MsvAvFlags bit: the AUTHENTICATE message carries a MIC. */
export const AV_FLAG_MIC_PRESENT = 0x2;

/** One AV_PAIR; MsvAvEOL is implied by the end of a list and never appears in one. */
export interface AvPair {
  readonly id: number;
  readonly value: Buffer;
}

/** Parses an AV_PAIR list up to MsvAvEOL; a list that runs past its buffer or lacks EOL is malformed. */
export function parseAvPairs(data: Buffer): AvPair[] {
  const pairs: AvPair[] = [];
  let pos = 0;
  while (pos + 4 <= data.length) {
    const id = data.readUInt16LE(pos);
    const length = data.readUInt16LE(pos + 2);
    pos += 4;
    if (id === AvId.EOL) return pairs;
    if (pos + length > data.length)
      throw new NtlmError('malformed', 'NTLM AV pair runs past the target info');
    pairs.push({ id, value: Buffer.from(data.subarray(pos, pos + length)) });
    pos += length;
  }
  throw new NtlmError('malformed', 'NTLM target info has no MsvAvEOL terminator');
}

/** Encodes pairs and the closing MsvAvEOL. */
export function encodeAvPairs(pairs: readonly AvPair[]): Buffer {
  const parts: Buffer[] = [];
  for (const p of pairs) {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(p.id, 0);
    head.writeUInt16LE(p.value.length, 2);
    parts.push(head, p.value);
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

export function findAv(pairs: readonly AvPair[], id: number): Buffer | undefined {
  return pairs.find((p) => p.id === id)?.value;
}

/** The UTF-16LE text of a name pair (NetBIOS/DNS names, MsvAvTargetName). */
export function avString(pairs: readonly AvPair[], id: number): string | undefined {
  return findAv(pairs, id)?.toString('utf16le');
}

/** MsvAvFlags as a number (0 when absent). */
export function avFlags(pairs: readonly AvPair[]): number {
  const v = findAv(pairs, AvId.Flags);
  return v !== undefined && v.length >= 4 ? v.readUInt32LE(0) : 0;
}

export function stringPair(id: number, text: string): AvPair {
  return { id, value: Buffer.from(text, 'utf16le') };
}

export function uint32Pair(id: number, value: number): AvPair {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return { id, value: b };
}
