/**
 * Splits a user name as people type it into the NTLM user and domain fields.
 * - 'DOMAIN\\user' → user 'user', domain 'DOMAIN'.
 * - 'user@corp.example' (UPN) → user 'user@corp.example', domain ''. Windows resolves a UPN sent whole
 *   in the user field with an empty domain (MS-NLMP 3.3: the DC cracks the name); splitting it into
 *   user + DNS domain fails for UPN suffixes that are not the NetBIOS domain. pywinrm/pyspnego do the same.
 * - 'user' → user 'user', domain '' (a local account of the target).
 */
export function parseUserName(input: string): { username: string; domain: string } {
  const slash = input.indexOf('\\');
  if (slash >= 0) return { domain: input.slice(0, slash), username: input.slice(slash + 1) };
  return { username: input, domain: '' };
}
