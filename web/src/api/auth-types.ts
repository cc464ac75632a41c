/** How users can sign in (GET /auth/providers); mirrors src/http/routes/oidc.ts. */
export interface AuthProviders {
  /** User name and password sign-in (always on). */
  readonly password: boolean;
  /** Single sign-on through an OpenID Connect provider, when the server has one configured. */
  readonly oidc: { readonly label: string; readonly loginUrl: string } | null;
}
