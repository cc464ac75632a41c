/** The shapes of users administration, password changes and sessions. */
import { type Static, Type } from '@sinclair/typebox';
import { PASSWORD_MIN_LENGTH } from '../domain/user-admin.ts';
import { Id, Nullable, Role, Timestamp } from './schemas.ts';

/** A user as an admin sees it; never a password or its hash. */
export const UserDetail = Type.Object({
  id: Id,
  username: Type.String(),
  role: Role,
  disabled: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  lastLoginAt: Nullable(Timestamp),
  /** `oidc`: signs in through single sign-on and has no password in orca. */
  authSource: Type.Union([Type.Literal('local'), Type.Literal('oidc')]),
  /** Failed logins hold this account back until then (from some address, or everywhere briefly). */
  lockedUntil: Nullable(Timestamp),
});
export type UserDetail = Static<typeof UserDetail>;

export const Username = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$',
});
export const NewPassword = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: 1024 });

export const CreateUser = Type.Object(
  {
    username: Username,
    role: Role,
    /** Omitted: a password is generated and returned once. */
    password: Type.Optional(NewPassword),
  },
  { additionalProperties: false },
);

export const UpdateUser = Type.Object(
  { role: Type.Optional(Role), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);

export const ResetPassword = Type.Object(
  {
    /** Omitted: a password is generated and returned once. */
    password: Type.Optional(NewPassword),
  },
  { additionalProperties: false },
);

/** The user, and the generated password when one was generated (shown once). */
export const UserWithPassword = Type.Object({
  user: UserDetail,
  password: Nullable(Type.String()),
});

export const ChangePassword = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 1024 }),
    newPassword: NewPassword,
  },
  { additionalProperties: false },
);

export const SessionsEnded = Type.Object({ sessionsEnded: Type.Integer() });
