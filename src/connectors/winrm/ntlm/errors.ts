/**
 * Why an NTLM step failed:
 * - `malformed`: a token or framed message is truncated or not what the protocol says;
 * - `auth`: the credentials are wrong (unknown user, bad password, MIC mismatch);
 * - `signature`: a sealed message failed verification (tampered, replayed, out of order);
 * - `unsupported`: the peer does not offer what orca requires (NTLMv2 with extended session security).
 */
export type NtlmErrorCode = 'malformed' | 'auth' | 'signature' | 'unsupported';

/** The one error class of the NTLM layer; callers branch on `code`, never on the message. */
export class NtlmError extends Error {
  override readonly name = 'NtlmError';
  constructor(
    readonly code: NtlmErrorCode,
    message: string,
  ) {
    super(message);
  }
}
