/** Single sign-on's SQL: logins in flight (single use, expiring) and the users a provider vouches for. */
import type { Db } from './pool.ts';
import type { UserRow } from './users.ts';

export interface PendingLogin {
  readonly bindingHash: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly redirectUri: string;
  readonly returnTo: string;
  readonly expiresAt: Date;
}

export async function savePendingLogin(db: Db, stateHash: string, p: PendingLogin): Promise<void> {
  // Logins abandoned at the provider are cleared by the next one that starts.
  await db.deleteFrom('oidc_logins').where('expires_at', '<=', new Date()).execute();
  await db
    .insertInto('oidc_logins')
    .values({
      state_hash: stateHash,
      binding_hash: p.bindingHash,
      code_verifier: p.codeVerifier,
      nonce: p.nonce,
      redirect_uri: p.redirectUri,
      return_to: p.returnTo,
      expires_at: p.expiresAt,
    })
    .execute();
}

/** Takes the login for this state once: a second call (a replay) finds nothing. Expired: nothing. */
export async function takePendingLogin(db: Db, stateHash: string): Promise<PendingLogin | undefined> {
  const row = await db
    .deleteFrom('oidc_logins')
    .where('state_hash', '=', stateHash)
    .returningAll()
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() <= Date.now()) return undefined;
  return {
    bindingHash: row.binding_hash,
    codeVerifier: row.code_verifier,
    nonce: row.nonce,
    redirectUri: row.redirect_uri,
    returnTo: row.return_to,
    expiresAt: row.expires_at,
  };
}

const COLUMNS = ['id', 'username', 'role', 'disabled', 'created_at'] as const;

export type IdentityMatch =
  | { readonly kind: 'linked'; readonly user: UserRow }
  | { readonly kind: 'name-taken'; readonly authSource: 'local' | 'oidc' }
  | { readonly kind: 'new' };

/** The user this provider's subject signed in as before, else whether the user name is free. */
export async function matchIdentity(
  db: Db,
  identity: { issuer: string; subject: string; username: string },
): Promise<IdentityMatch> {
  const linked = await db
    .selectFrom('users')
    .select(COLUMNS)
    .where('oidc_issuer', '=', identity.issuer)
    .where('oidc_subject', '=', identity.subject)
    .executeTakeFirst();
  if (linked) return { kind: 'linked', user: linked };
  const named = await db
    .selectFrom('users')
    .select('auth_source')
    .where('username', '=', identity.username)
    .executeTakeFirst();
  return named ? { kind: 'name-taken', authSource: named.auth_source } : { kind: 'new' };
}

/** Creates the SSO user; undefined when the name or identity was taken meanwhile (a concurrent login). */
export async function createOidcUser(
  db: Db,
  u: { issuer: string; subject: string; username: string; role: UserRow['role'] },
): Promise<UserRow | undefined> {
  return db
    .insertInto('users')
    .values({
      username: u.username,
      password_hash: null,
      role: u.role,
      auth_source: 'oidc',
      oidc_issuer: u.issuer,
      oidc_subject: u.subject,
    })
    .onConflict((oc) => oc.doNothing())
    .returning(COLUMNS)
    .executeTakeFirst();
}

/** The role follows the provider's claim at every login, down as well as up. */
export async function setOidcUserRole(db: Db, id: string, role: UserRow['role']): Promise<UserRow> {
  return db
    .updateTable('users')
    .set({ role })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}
