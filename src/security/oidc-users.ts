/**
 * Who a verified OpenID Connect identity is in orca. The identity is (issuer, sub); the user
 * name is taken from the claims on the first sign-in. The role is mapped from the claim at every
 * sign-in. A name that belongs to another account is refused: accounts are never merged.
 */
import type { OidcSettings } from '../config/index.ts';
import { createOidcUser, matchIdentity, setOidcUserRole } from '../db/oidc.ts';
import type { Db } from '../db/pool.ts';
import type { UserRow } from '../db/users.ts';
import { claimAt, claimValues, mapRole, usernameFrom } from '../domain/oidc-claims.ts';
import type { VerifiedClaims } from './oidc.ts';

export type SignIn =
  | { readonly ok: true; readonly user: UserRow; readonly created: boolean }
  | {
      readonly ok: false;
      /** The name the claims give, for the audit log; null when they give none. */
      readonly username: string | null;
      readonly status: 403 | 409;
      readonly message: string;
    };

export async function signInUser(db: Db, settings: OidcSettings, v: VerifiedClaims): Promise<SignIn> {
  const username = usernameFrom(v.claims, settings.usernameClaims);
  if (!username) {
    return {
      ok: false,
      username: null,
      status: 403,
      message: `the identity provider sent no usable user name (claims tried: ${settings.usernameClaims.join(', ')})`,
    };
  }
  const values = claimValues(claimAt(v.claims, settings.roleClaim));
  const role = mapRole(values, settings.roleMap, settings.defaultRole);
  if (!role) {
    return {
      ok: false,
      username,
      status: 403,
      message: `${username} has no orca role: none of the values of the "${settings.roleClaim}" claim is mapped to a role. Ask an administrator to add you to a group that gives access to orca.`,
    };
  }
  const identity = { issuer: v.issuer, subject: v.subject, username };
  const match = await matchIdentity(db, identity);
  if (match.kind === 'name-taken') return nameTaken(username, match.authSource);
  if (match.kind === 'linked') {
    if (match.user.disabled) {
      return {
        ok: false,
        username: match.user.username,
        status: 403,
        message: `the orca account ${match.user.username} is disabled; ask an administrator`,
      };
    }
    const user = match.user.role === role ? match.user : await setOidcUserRole(db, match.user.id, role);
    return { ok: true, user, created: false };
  }
  const created = await createOidcUser(db, { ...identity, role });
  if (created) return { ok: true, user: created, created: true };
  // Taken between the look-up and the insert: decide again on what is there now.
  const again = await matchIdentity(db, identity);
  if (again.kind === 'name-taken') return nameTaken(username, again.authSource);
  return {
    ok: false,
    username,
    status: 409,
    message: 'another sign-in of this user was in progress; try again',
  };
}

function nameTaken(username: string, source: 'local' | 'oidc'): SignIn {
  const message =
    source === 'local'
      ? `the user name ${username} already belongs to an orca user who signs in with a password; orca does not merge accounts. Sign in with that password, or ask an administrator to rename or remove that user.`
      : `the user name ${username} already belongs to a user who signs in with another identity; orca does not merge accounts. Ask an administrator.`;
  return { ok: false, username, status: 409, message };
}
