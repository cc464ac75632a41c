/** Users administration as the UI sees it (src/http/user-schemas.ts). */
import type { Role } from './types.ts';

export interface UserDetail {
  readonly id: string;
  readonly username: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastLoginAt: string | null;
  readonly authSource: 'local' | 'oidc';
  readonly lockedUntil: string | null;
}

export interface CreateUser {
  readonly username: string;
  readonly role: Role;
  /** Omitted: the server generates one and returns it once. */
  readonly password?: string;
}

export interface UpdateUser {
  readonly role?: Role;
  readonly disabled?: boolean;
}

export interface UserWithPassword {
  readonly user: UserDetail;
  /** The generated password, shown once; null when the caller gave one. */
  readonly password: string | null;
}

export interface ChangePassword {
  readonly currentPassword: string;
  readonly newPassword: string;
}

export interface SessionsEnded {
  readonly sessionsEnded: number;
}
