/**
 * Compile-time only, as contract.check.ts: fails `npm run typecheck` when the sign-in options
 * (src/http/routes/oidc.ts) and the UI's mirror (auth-types.ts) drift apart.
 */
import type { Static } from '@sinclair/typebox';
import type * as S from '../../../src/http/routes/oidc.ts';
import type * as W from './auth-types.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Server = Static<typeof S.AuthProviders>;

export type AuthContractChecks = [
  Expect<Equal<keyof W.AuthProviders, keyof Server>>,
  Expect<Equal<keyof NonNullable<W.AuthProviders['oidc']>, keyof NonNullable<Server['oidc']>>>,
];
