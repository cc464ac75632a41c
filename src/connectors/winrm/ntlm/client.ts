// The initiator: NEGOTIATE out, CHALLENGE in, AUTHENTICATE out (MS-NLMP 3.1.5.1).
import { randomBytes } from 'node:crypto';
import { encodeAuthenticate, MIC_OFFSET } from './authenticate.ts';
import {
  AV_FLAG_MIC_PRESENT,
  AvId,
  type AvPair,
  avFlags,
  encodeAvPairs,
  findAv,
  uint32Pair,
} from './avpairs.ts';
import {
  channelBindingsHash,
  computeMic,
  fileTime,
  lmv2Response,
  ntlmv2ClientBlob,
  ntowfv2,
  ntProofStr,
  sessionBaseKey,
} from './crypto.ts';
import { NtlmError } from './errors.ts';
import { CLIENT_FLAGS, hasFlag, NtlmFlags } from './flags.ts';
import { encodeNegotiate, parseChallenge } from './messages.ts';
import { rc4 } from './rc4.ts';
import { createSecurity, type NtlmSecurity } from './security.ts';
import { ORCA_VERSION } from './wire.ts';

/** Who to authenticate as; see parseUserName for turning 'DOMAIN\\user' or 'user@domain' into these. */
export interface NtlmCredentials {
  readonly username: string;
  readonly domain: string;
  readonly password: string;
  readonly workstation?: string;
}

/** Injection points for tests: the clock (used only when the server sends no timestamp) and randomness. */
export interface NtlmClientOptions {
  readonly now?: () => Date;
  /** Called first for the 8-byte client challenge, then for the 16-byte exported session key. */
  readonly random?: (n: number) => Buffer;
}

export interface AuthenticateOptions {
  /**
   * The serialized gss_channel_bindings_struct (see gssChannelBindings; for HTTPS its application data is
   * 'tls-server-end-point:' + certificate hash); the client sends its MD5 in MsvAvChannelBindings.
   * Omitted: 16 zero bytes, as Windows sends over HTTP.
   */
  readonly channelBindings?: Buffer;
  /** The service principal name to announce in MsvAvTargetName, e.g. 'HTTP/web-1.corp.example'. */
  readonly targetName?: string;
}

/** The client side of one NTLM handshake; create one per connection. */
export class NtlmClient {
  readonly #credentials: NtlmCredentials;
  readonly #now: () => Date;
  readonly #random: (n: number) => Buffer;

  constructor(credentials: NtlmCredentials, options: NtlmClientOptions = {}) {
    this.#credentials = credentials;
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? randomBytes;
  }

  /** The NEGOTIATE message. It has no random part, so authenticate() can rebuild it for the MIC. */
  negotiate(): Buffer {
    return encodeNegotiate(CLIENT_FLAGS, ORCA_VERSION);
  }

  /**
   * Answers the server's CHALLENGE. Throws NtlmError('malformed') for a CHALLENGE that does not parse and
   * NtlmError('unsupported') when the server offers neither NTLMv2 target info nor extended session security.
   */
  authenticate(
    challengeMessage: Buffer,
    options: AuthenticateOptions = {},
  ): { message: Buffer; security: NtlmSecurity } {
    const challenge = parseChallenge(challengeMessage);
    if (!hasFlag(challenge.flags, NtlmFlags.EXTENDED_SESSIONSECURITY))
      throw new NtlmError('unsupported', 'the server does not offer NTLM extended session security');
    if (challenge.avPairs.length === 0)
      throw new NtlmError('unsupported', 'the server sent no NTLMv2 target info (NTLMv1 only?)');
    const flags = ((challenge.flags & CLIENT_FLAGS) | NtlmFlags.UNICODE) >>> 0;

    // A server timestamp marks a modern acceptor (Windows Vista/2008+): then the client must use that time,
    // send Z(24) as LM response and protect the three messages with a MIC (3.1.5.1.2). The spec's own
    // example has no timestamp and its target info is echoed untouched.
    const serverTime = findAv(challenge.avPairs, AvId.Timestamp);
    const withMic = serverTime !== undefined;
    const pairs = amendTargetInfo(challenge.avPairs, withMic, options);
    const targetInfo = pairs === challenge.avPairs ? challenge.targetInfo : encodeAvPairs(pairs);

    const { username, domain, password } = this.#credentials;
    const clientChallenge = this.#random(8);
    const ntowf = ntowfv2(password, username, domain);
    const blob = ntlmv2ClientBlob(serverTime ?? fileTime(this.#now()), clientChallenge, targetInfo);
    const proof = ntProofStr(ntowf, challenge.serverChallenge, blob);
    const keyExchangeKey = sessionBaseKey(ntowf, proof);
    const keyExch = hasFlag(flags, NtlmFlags.KEY_EXCH);
    const exportedSessionKey = keyExch ? this.#random(16) : keyExchangeKey;

    const message = encodeAuthenticate({
      flags,
      lmResponse: withMic
        ? Buffer.alloc(24)
        : lmv2Response(ntowf, challenge.serverChallenge, clientChallenge),
      ntResponse: Buffer.concat([proof, blob]),
      domain,
      user: username,
      workstation: this.#credentials.workstation ?? '',
      encryptedRandomSessionKey: keyExch ? rc4(keyExchangeKey, exportedSessionKey) : Buffer.alloc(0),
      version: ORCA_VERSION,
      withMic,
    });
    if (withMic)
      computeMic(exportedSessionKey, this.negotiate(), challengeMessage, message).copy(message, MIC_OFFSET);
    return { message, security: createSecurity(exportedSessionKey, flags, 'client') };
  }
}

/** The server's target info plus what the client adds: MsvAvFlags (MIC), channel bindings, target name. */
function amendTargetInfo(
  pairs: readonly AvPair[],
  withMic: boolean,
  options: AuthenticateOptions,
): readonly AvPair[] {
  if (!withMic && options.channelBindings === undefined && options.targetName === undefined) return pairs;
  const replaced = new Set<number>([AvId.ChannelBindings, AvId.TargetName, ...(withMic ? [AvId.Flags] : [])]);
  const out = pairs.filter((p) => !replaced.has(p.id));
  if (withMic) out.push(uint32Pair(AvId.Flags, avFlags(pairs) | AV_FLAG_MIC_PRESENT));
  out.push({ id: AvId.ChannelBindings, value: channelBindingsHash(options.channelBindings) });
  if (options.targetName !== undefined)
    out.push({ id: AvId.TargetName, value: Buffer.from(options.targetName, 'utf16le') });
  return out;
}
