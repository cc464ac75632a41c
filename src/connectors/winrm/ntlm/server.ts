// The acceptor: NEGOTIATE in, CHALLENGE out, AUTHENTICATE in (MS-NLMP 3.2.5.1). Orca uses it in its WinRM
// test server and to check recorded transcripts; it verifies locally against known passwords (no DC).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parseAuthenticate, withZeroMic } from './authenticate.ts';
import { AvId, stringPair } from './avpairs.ts';
import { computeMic, fileTime, ntowfv2, ntProofStr, sessionBaseKey } from './crypto.ts';
import { NtlmError } from './errors.ts';
import { hasFlag, NtlmFlags } from './flags.ts';
import { encodeChallenge, parseNegotiate } from './messages.ts';
import { rc4 } from './rc4.ts';
import { createSecurity, type NtlmSecurity } from './security.ts';
import { ORCA_VERSION } from './wire.ts';

/** Finds the password of a user, given user name and domain exactly as the client sent them. */
export type PasswordLookup = (user: string, domain: string) => string | undefined;

export interface NtlmServerOptions {
  lookup(user: string, domain: string): string | undefined;
  readonly netbiosDomain: string;
  readonly netbiosComputer: string;
  readonly dnsDomain: string;
  readonly dnsComputer: string;
  readonly now?: () => Date;
  /** Called for the 8-byte server challenge. */
  readonly random?: (n: number) => Buffer;
}

/** Who authenticated, and the server end of the security context. */
export interface AcceptResult {
  readonly user: string;
  readonly domain: string;
  readonly security: NtlmSecurity;
}

// What the server grants when the client asks for it; TARGET_INFO and the target type are always set.
const SERVER_FLAGS =
  (NtlmFlags.UNICODE |
    NtlmFlags.REQUEST_TARGET |
    NtlmFlags.SIGN |
    NtlmFlags.SEAL |
    NtlmFlags.NTLM |
    NtlmFlags.ALWAYS_SIGN |
    NtlmFlags.EXTENDED_SESSIONSECURITY |
    NtlmFlags.VERSION |
    NtlmFlags.NEGOTIATE_128 |
    NtlmFlags.KEY_EXCH |
    NtlmFlags.NEGOTIATE_56) >>>
  0;

/** One acceptor handshake; create one per connection. */
export class NtlmServer {
  readonly #options: NtlmServerOptions;
  #sent: { negotiate: Buffer; challenge: Buffer; serverChallenge: Buffer } | undefined;

  constructor(options: NtlmServerOptions) {
    this.#options = options;
  }

  /** Answers a NEGOTIATE; NtlmError('malformed') if it does not parse, 'unsupported' without ESS. */
  challenge(negotiate: Buffer): Buffer {
    const n = parseNegotiate(negotiate);
    if (!hasFlag(n.flags, NtlmFlags.EXTENDED_SESSIONSECURITY))
      throw new NtlmError('unsupported', 'the client does not ask for NTLM extended session security');
    const o = this.#options;
    const serverChallenge = (o.random ?? randomBytes)(8);
    const flags =
      ((n.flags & SERVER_FLAGS) |
        NtlmFlags.UNICODE |
        NtlmFlags.TARGET_INFO |
        NtlmFlags.TARGET_TYPE_DOMAIN) >>>
      0;
    const challenge = encodeChallenge({
      flags,
      serverChallenge,
      targetName: o.netbiosDomain,
      version: ORCA_VERSION,
      avPairs: [
        stringPair(AvId.NbDomainName, o.netbiosDomain),
        stringPair(AvId.NbComputerName, o.netbiosComputer),
        stringPair(AvId.DnsDomainName, o.dnsDomain),
        stringPair(AvId.DnsComputerName, o.dnsComputer),
        { id: AvId.Timestamp, value: fileTime((o.now ?? (() => new Date()))()) },
      ],
    });
    this.#sent = { negotiate: Buffer.from(negotiate), challenge, serverChallenge };
    return challenge;
  }

  /** Verifies the AUTHENTICATE answering this server's CHALLENGE; see verifyAuthenticate. */
  accept(authenticate: Buffer): AcceptResult {
    if (this.#sent === undefined) throw new NtlmError('malformed', 'NTLM AUTHENTICATE before any CHALLENGE');
    const sent = this.#sent;
    // One AUTHENTICATE per CHALLENGE: a second one on the same handshake is a replay.
    this.#sent = undefined;
    return verifyAuthenticate({ ...sent, authenticate, lookup: this.#options.lookup });
  }
}

/**
 * The acceptor's check of an AUTHENTICATE against the NEGOTIATE and CHALLENGE of the same handshake:
 * NTProofStr against the looked-up password (NtlmError('auth') for an unknown user or wrong password),
 * the MIC when the client announced one ('auth' on mismatch), then the server end of the security context.
 * Exposed apart from NtlmServer so recorded handshakes can be verified byte for byte.
 */
export function verifyAuthenticate(input: {
  readonly negotiate: Buffer;
  readonly challenge: Buffer;
  readonly serverChallenge: Buffer;
  readonly authenticate: Buffer;
  readonly lookup: PasswordLookup;
}): AcceptResult & { readonly exportedSessionKey: Buffer } {
  const auth = parseAuthenticate(input.authenticate);
  if (auth.ntlmv2 === undefined)
    throw new NtlmError(
      auth.ntResponse.length === 0 ? 'auth' : 'unsupported',
      'only NTLMv2 responses are accepted',
    );
  const password = input.lookup(auth.user, auth.domain);
  const who = auth.domain === '' ? auth.user : `${auth.domain}\\${auth.user}`;
  if (password === undefined) throw new NtlmError('auth', `unknown user ${who}`);
  const ntowf = ntowfv2(password, auth.user, auth.domain);
  const proof = ntProofStr(ntowf, input.serverChallenge, auth.ntlmv2.clientBlob);
  if (!timingSafeEqual(proof, auth.ntlmv2.ntProofStr))
    throw new NtlmError('auth', `wrong password for ${who}`);

  const keyExchangeKey = sessionBaseKey(ntowf, proof);
  let exportedSessionKey = keyExchangeKey;
  if (hasFlag(auth.flags, NtlmFlags.KEY_EXCH)) {
    if (auth.encryptedRandomSessionKey.length !== 16)
      throw new NtlmError('malformed', 'NTLM AUTHENTICATE has no 16-byte encrypted session key');
    exportedSessionKey = rc4(keyExchangeKey, auth.encryptedRandomSessionKey);
  }
  if (auth.mic !== undefined) {
    const expected = computeMic(
      exportedSessionKey,
      input.negotiate,
      input.challenge,
      withZeroMic(input.authenticate),
    );
    if (!timingSafeEqual(expected, auth.mic))
      throw new NtlmError('auth', 'NTLM message integrity check failed');
  }
  return {
    user: auth.user,
    domain: auth.domain,
    exportedSessionKey,
    security: createSecurity(exportedSessionKey, auth.flags, 'server'),
  };
}
