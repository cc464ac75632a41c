// Public face of orca's NTLM layer: what the WinRM transport and test server use.
export {
  type AuthenticateOptions,
  NtlmClient,
  type NtlmClientOptions,
  type NtlmCredentials,
} from './client.ts';
export { channelBindingsHash, gssChannelBindings } from './crypto.ts';
export { NtlmError, type NtlmErrorCode } from './errors.ts';
export { parseUserName } from './names.ts';
export type { NtlmSecurity } from './security.ts';
export {
  type AcceptResult,
  NtlmServer,
  type NtlmServerOptions,
  type PasswordLookup,
  verifyAuthenticate,
} from './server.ts';
