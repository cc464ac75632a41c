/** The rules of users administration: who may be demoted, disabled or deleted. Pure. */
import { ErrorCode, invalid, OrcaError } from './errors.ts';
import type { Role } from './roles.ts';

export const PASSWORD_MIN_LENGTH = 12;

interface Target {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly disabled: boolean;
}

/** `user` is the only enabled admin, so it must stay one. */
const isLastAdmin = (user: Target, enabledAdminIds: readonly string[]): boolean =>
  user.role === 'admin' && !user.disabled && enabledAdminIds.every((id) => id === user.id);

/** Throws when `actorId` may not apply `change` to `user`. */
export function checkUserChange(
  actorId: string,
  user: Target,
  change: { readonly role?: Role; readonly disabled?: boolean },
  enabledAdminIds: readonly string[],
): void {
  if (change.disabled === true && user.id === actorId) {
    throw invalid('body.disabled', 'you cannot disable yourself; another admin can');
  }
  const losesAdmin = change.disabled === true || (change.role !== undefined && change.role !== 'admin');
  if (losesAdmin && isLastAdmin(user, enabledAdminIds)) {
    throw new OrcaError(
      ErrorCode.conflict,
      `${user.username} is the last enabled admin; make another user admin first`,
      [
        {
          path: change.disabled === true ? 'body.disabled' : 'body.role',
          message: 'would leave no enabled admin',
        },
      ],
    );
  }
}

export function checkUserDelete(
  actorId: string,
  user: Target,
  enabledAdminIds: readonly string[],
  hasAuditEntries: boolean,
): void {
  if (user.id === actorId) throw new OrcaError(ErrorCode.conflict, 'you cannot delete yourself');
  if (isLastAdmin(user, enabledAdminIds)) {
    throw new OrcaError(
      ErrorCode.conflict,
      `${user.username} is the last enabled admin and cannot be deleted`,
    );
  }
  if (hasAuditEntries) {
    throw new OrcaError(
      ErrorCode.conflict,
      `${user.username} has entries in the audit log, which keeps who did what; disable the user instead`,
    );
  }
}

/** Problems of a new password beyond its length (the schema checks that), naming the field. */
export function checkNewPassword(field: string, password: string, username: string): void {
  if (password.toLowerCase().includes(username.toLowerCase())) {
    throw invalid(field, 'must not contain the user name');
  }
}
