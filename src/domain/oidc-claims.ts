/** Single sign-on's pure part: role maps, claims at dotted paths, user names from claims. Pure. */

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type SsoRole = (typeof ROLES)[number];

/** One `group=role` pair of ORCA_OIDC_ROLE_MAP. */
export interface RoleMapping {
  readonly value: string;
  readonly role: SsoRole;
}

const isRole = (r: string): r is SsoRole => (ROLES as readonly string[]).includes(r);

/**
 * `orca-admins=admin,orca-ops=operator` → mappings. Entries are split on `;` when the text has
 * one (group names such as LDAP DNs contain commas), else on `,`; each at its last `=`.
 * Throws a message naming the bad entry.
 */
export function parseRoleMap(text: string): RoleMapping[] {
  const separator = text.includes(';') ? ';' : ',';
  const out: RoleMapping[] = [];
  for (const raw of text.split(separator)) {
    const entry = raw.trim();
    if (entry === '') continue;
    const at = entry.lastIndexOf('=');
    const value = at < 0 ? '' : entry.slice(0, at).trim();
    const role = at < 0 ? '' : entry.slice(at + 1).trim();
    if (value === '' || !isRole(role)) {
      throw new Error(`"${entry}" must be <claim value>=<role>, the role one of ${ROLES.join(', ')}`);
    }
    out.push({ value, role });
  }
  if (out.length === 0) throw new Error('names no mapping; e.g. orca-admins=admin,orca-ops=operator');
  return out;
}

export function parseRole(text: string): SsoRole {
  if (!isRole(text)) throw new Error(`must be one of ${ROLES.join(', ')}`);
  return text;
}

/**
 * The claim at `path`: first the whole path as one name (claim names may be URLs with dots, as
 * `https://example.com/groups`), then the path walked through nested objects (`realm_access.roles`).
 */
export function claimAt(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let here: unknown = claims;
  for (const part of path.split('.')) {
    if (!here || typeof here !== 'object' || Array.isArray(here) || !Object.hasOwn(here, part)) {
      return undefined;
    }
    here = (here as Record<string, unknown>)[part];
  }
  return here;
}

/** A claim's values as text: a string is one value, an array its strings and numbers. */
export function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (Array.isArray(value)) {
    return value.filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
  }
  return [];
}

/** The highest role any of the claim's values maps to, else the default role (null: refuse). */
export function mapRole(
  values: readonly string[],
  map: readonly RoleMapping[],
  defaultRole: SsoRole | null,
): SsoRole | null {
  let best: SsoRole | null = null;
  for (const m of map) {
    if (!values.includes(m.value)) continue;
    if (best === null || ROLES.indexOf(m.role) > ROLES.indexOf(best)) best = m.role;
  }
  return best ?? defaultRole;
}

const MAX_USERNAME = 128;

/** The first of `names` whose claim is a usable user name (text, 1–128 characters, no control characters). */
export function usernameFrom(
  claims: Readonly<Record<string, unknown>>,
  names: readonly string[],
): string | null {
  for (const name of names) {
    const v = claimAt(claims, name);
    if (typeof v !== 'string') continue;
    const trimmed = v.trim();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    if (trimmed !== '' && trimmed.length <= MAX_USERNAME && !/[\u0000-\u001f\u007f]/.test(trimmed)) {
      return trimmed;
    }
  }
  return null;
}

/**
 * A path of this site to land on after signing in: `/runs?x=1` is kept (non-ASCII
 * percent-encoded, as a Location header needs); absolute URLs, `//host`, `/\host` and control
 * characters fall back to `/`.
 */
export function safeReturnTo(text: string | undefined): string {
  if (!text?.startsWith('/') || text.length > 2048) return '/';
  if (text.startsWith('//') || text.startsWith('/\\')) return '/';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(text)) return '/';
  const base = 'http://orca.invalid';
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    return '/';
  }
  return url.origin === base ? `${url.pathname}${url.search}${url.hash}` : '/';
}
