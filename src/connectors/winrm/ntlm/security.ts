// Message confidentiality and integrity after authentication (MS-NLMP 3.4.3, 3.4.4.2, with extended
// session security). Connection-oriented: one RC4 stream and one sequence number per direction, for the
// life of the context.
import { timingSafeEqual } from 'node:crypto';
import { type Direction, hmacMd5, sealKey, signKey } from './crypto.ts';
import { NtlmError } from './errors.ts';
import { hasFlag, NtlmFlags } from './flags.ts';
import { Rc4 } from './rc4.ts';

/** Seals and signs messages of one authenticated NTLM context (one per keep-alive connection). */
export interface NtlmSecurity {
  /** Seals and signs an outgoing message; consumes this side's next sequence number. */
  wrap(plain: Buffer): { signature: Buffer; sealed: Buffer };
  /**
   * Unseals and verifies an incoming message with the peer's next sequence number. Throws
   * NtlmError('signature') when it was tampered with, replayed or reordered; a rejected message leaves the
   * context as it was, so the next genuine message still verifies.
   */
  unwrap(sealed: Buffer, signature: Buffer): Buffer;
}

/** Which end of the connection the context is for: it seals with its own keys and opens with the peer's. */
export type Side = 'client' | 'server';

export const SIGNATURE_LENGTH = 16;

class Channel {
  readonly signKey: Buffer;
  readonly rc4: Rc4;
  seq = 0;
  constructor(exportedSessionKey: Buffer, flags: number, direction: Direction) {
    this.signKey = signKey(exportedSessionKey, direction);
    this.rc4 = new Rc4(sealKey(exportedSessionKey, flags, direction));
  }
}

function seqBytes(seq: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(seq >>> 0);
  return b;
}

/**
 * Builds the security context from the exported session key and the negotiated flags. Only extended
 * session security is implemented: without it NTLM falls back to the weak NTLMv1 key schedule, which
 * orca never negotiates.
 */
export function createSecurity(exportedSessionKey: Buffer, flags: number, side: Side): NtlmSecurity {
  if (!hasFlag(flags, NtlmFlags.EXTENDED_SESSIONSECURITY))
    throw new NtlmError('unsupported', 'NTLM sealing without extended session security is not supported');
  const keyExch = hasFlag(flags, NtlmFlags.KEY_EXCH);
  const c2s = new Channel(exportedSessionKey, flags, 'client-to-server');
  const s2c = new Channel(exportedSessionKey, flags, 'server-to-client');
  const out = side === 'client' ? c2s : s2c;
  const inbound = side === 'client' ? s2c : c2s;

  // The checksum is over the plaintext; with KEY_EXCH it is then RC4'd with the same stream, after the
  // message itself (3.4.4.2).
  const checksum = (ch: Channel, seq: number, plain: Buffer): Buffer =>
    hmacMd5(ch.signKey, seqBytes(seq), plain).subarray(0, 8);

  return {
    wrap(plain) {
      const sealed = out.rc4.update(plain);
      let sum = checksum(out, out.seq, plain);
      if (keyExch) sum = out.rc4.update(sum);
      const signature = Buffer.concat([seqBytes(1), sum, seqBytes(out.seq)]);
      out.seq = (out.seq + 1) >>> 0;
      return { signature, sealed };
    },
    unwrap(sealed, signature) {
      if (signature.length !== SIGNATURE_LENGTH)
        throw new NtlmError(
          'signature',
          `NTLM signature must be ${SIGNATURE_LENGTH} bytes, got ${signature.length}`,
        );
      const saved = inbound.rc4.snapshot();
      const plain = inbound.rc4.update(sealed);
      const received = keyExch ? inbound.rc4.update(signature.subarray(4, 12)) : signature.subarray(4, 12);
      const ok =
        signature.readUInt32LE(0) === 1 &&
        signature.readUInt32LE(12) === inbound.seq &&
        timingSafeEqual(received, checksum(inbound, inbound.seq, plain));
      if (!ok) {
        saved.restore();
        throw new NtlmError('signature', `NTLM message ${inbound.seq} failed signature verification`);
      }
      inbound.seq = (inbound.seq + 1) >>> 0;
      return plain;
    },
  };
}
