/** Single sign-on settings (ORCA_OIDC_*), checked as a whole at start-up. Part of the config module. */
import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { parseRole, parseRoleMap, type RoleMapping, type SsoRole } from '../domain/oidc-claims.ts';

export const OidcEnv = {
  ORCA_OIDC_ISSUER: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
  ORCA_OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  ORCA_OIDC_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  ORCA_OIDC_CLIENT_SECRET_FILE: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  ORCA_OIDC_SCOPES: Type.String({ default: 'openid profile email', minLength: 1, maxLength: 1024 }),
  ORCA_OIDC_ROLE_CLAIM: Type.String({ default: 'groups', minLength: 1, maxLength: 256 }),
  ORCA_OIDC_ROLE_MAP: Type.Optional(Type.String({ minLength: 1, maxLength: 16384 })),
  ORCA_OIDC_DEFAULT_ROLE: Type.Optional(Type.String({ minLength: 1 })),
  ORCA_OIDC_USERNAME_CLAIM: Type.String({ default: 'preferred_username', minLength: 1, maxLength: 256 }),
  ORCA_OIDC_LABEL: Type.String({ default: 'single sign-on', minLength: 1, maxLength: 64 }),
};

type OidcEnvValues = {
  ORCA_OIDC_ISSUER?: string | undefined;
  ORCA_OIDC_CLIENT_ID?: string | undefined;
  ORCA_OIDC_CLIENT_SECRET?: string | undefined;
  ORCA_OIDC_CLIENT_SECRET_FILE?: string | undefined;
  ORCA_OIDC_SCOPES: string;
  ORCA_OIDC_ROLE_CLAIM: string;
  ORCA_OIDC_ROLE_MAP?: string | undefined;
  ORCA_OIDC_DEFAULT_ROLE?: string | undefined;
  ORCA_OIDC_USERNAME_CLAIM: string;
  ORCA_OIDC_LABEL: string;
  ORCA_PUBLIC_URL?: string | undefined;
};

/** How orca signs people in through an OpenID Connect provider (authorization code + PKCE). */
export interface OidcSettings {
  /** The issuer identifier; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: string;
  /** Claim (dotted path allowed) whose values are mapped to a role. */
  readonly roleClaim: string;
  readonly roleMap: readonly RoleMapping[];
  /** Role of a user none of whose claim values is mapped; null: such a user is refused. */
  readonly defaultRole: SsoRole | null;
  /** Claims tried in order for the user name (the configured one, then email, then sub). */
  readonly usernameClaims: readonly string[];
  /** The sign-in button says "Sign in with <label>". */
  readonly label: string;
  /** Base of the redirect URL; null: taken from each request (a warning is logged). */
  readonly publicUrl: string | null;
  /** Plain http is accepted for loopback issuers only (a provider on this machine). */
  readonly allowHttp: boolean;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** Null when ORCA_OIDC_ISSUER is unset (SSO off); throws naming every bad variable. */
export function oidcSettings(e: OidcEnvValues): OidcSettings | null {
  const problems: string[] = [];
  const bad = (name: string, message: string) => problems.push(`/${name}: ${message}`);
  if (!e.ORCA_OIDC_ISSUER) {
    const stray = ['ORCA_OIDC_CLIENT_ID', 'ORCA_OIDC_CLIENT_SECRET', 'ORCA_OIDC_ROLE_MAP'] as const;
    for (const name of stray) {
      if (e[name]) bad(name, 'single sign-on is off: set ORCA_OIDC_ISSUER too, or remove this variable');
    }
    if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`);
    return null;
  }
  let issuer: URL | null = null;
  try {
    issuer = new URL(e.ORCA_OIDC_ISSUER);
  } catch {
    bad('ORCA_OIDC_ISSUER', 'must be a URL such as https://login.example.com/realms/main');
  }
  const allowHttp = issuer?.protocol === 'http:' && LOOPBACK.test(issuer.hostname);
  if (issuer?.protocol === 'http:' && !allowHttp) {
    bad('ORCA_OIDC_ISSUER', 'must be https (plain http only for a provider on 127.0.0.1 or localhost)');
  }
  if (!e.ORCA_OIDC_CLIENT_ID) bad('ORCA_OIDC_CLIENT_ID', 'is required with ORCA_OIDC_ISSUER');
  let secret = e.ORCA_OIDC_CLIENT_SECRET ?? null;
  if (secret && e.ORCA_OIDC_CLIENT_SECRET_FILE) {
    bad('ORCA_OIDC_CLIENT_SECRET_FILE', 'set either ORCA_OIDC_CLIENT_SECRET or this, not both');
  } else if (e.ORCA_OIDC_CLIENT_SECRET_FILE) {
    try {
      secret = readFileSync(e.ORCA_OIDC_CLIENT_SECRET_FILE, 'utf8').trim();
      if (secret === '') bad('ORCA_OIDC_CLIENT_SECRET_FILE', 'the file is empty');
    } catch (error) {
      bad('ORCA_OIDC_CLIENT_SECRET_FILE', `cannot read the file (${(error as NodeJS.ErrnoException).code})`);
    }
  } else if (!secret) {
    bad('ORCA_OIDC_CLIENT_SECRET', 'is required with ORCA_OIDC_ISSUER (or ORCA_OIDC_CLIENT_SECRET_FILE)');
  }
  if (!e.ORCA_OIDC_SCOPES.split(/\s+/).includes('openid')) {
    bad('ORCA_OIDC_SCOPES', 'must include openid');
  }
  let roleMap: RoleMapping[] = [];
  if (e.ORCA_OIDC_ROLE_MAP) {
    try {
      roleMap = parseRoleMap(e.ORCA_OIDC_ROLE_MAP);
    } catch (error) {
      bad('ORCA_OIDC_ROLE_MAP', (error as Error).message);
    }
  }
  let defaultRole: SsoRole | null = null;
  if (e.ORCA_OIDC_DEFAULT_ROLE) {
    try {
      defaultRole = parseRole(e.ORCA_OIDC_DEFAULT_ROLE);
    } catch (error) {
      bad('ORCA_OIDC_DEFAULT_ROLE', (error as Error).message);
    }
  }
  if (!e.ORCA_OIDC_ROLE_MAP && !e.ORCA_OIDC_DEFAULT_ROLE) {
    bad('ORCA_OIDC_ROLE_MAP', 'is required with ORCA_OIDC_ISSUER (or set ORCA_OIDC_DEFAULT_ROLE)');
  }
  if (problems.length > 0 || !issuer || !e.ORCA_OIDC_CLIENT_ID || !secret) {
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return {
    issuer: e.ORCA_OIDC_ISSUER,
    clientId: e.ORCA_OIDC_CLIENT_ID,
    clientSecret: secret,
    scopes: e.ORCA_OIDC_SCOPES.trim(),
    roleClaim: e.ORCA_OIDC_ROLE_CLAIM,
    roleMap,
    defaultRole,
    usernameClaims: [...new Set([e.ORCA_OIDC_USERNAME_CLAIM, 'email', 'sub'])],
    label: e.ORCA_OIDC_LABEL,
    publicUrl: e.ORCA_PUBLIC_URL ? e.ORCA_PUBLIC_URL.replace(/\/+$/, '') : null,
    allowHttp,
  };
}
