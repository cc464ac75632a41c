/** Roles, highest first: admin > operator > viewer. Pure. */

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export const hasRole = (role: Role, needed: Role): boolean => RANK[role] >= RANK[needed];

/** The lower of two roles: what a token with `tokenRole` acts as for a user of `userRole`. */
export const lowerRole = (userRole: Role, tokenRole: Role | null): Role =>
  tokenRole && RANK[tokenRole] < RANK[userRole] ? tokenRole : userRole;
