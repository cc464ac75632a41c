/** Projects and memberships, as the API shows them (src/http/project-schemas.ts). */

export type MemberRole = 'operator' | 'viewer';

export interface Project {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly createdAt: string;
  readonly members: number;
}

export interface CreateProject {
  readonly name: string;
  readonly description?: string;
}

export interface Member {
  readonly userId: string;
  readonly username: string;
  /** The role in the project; rights are the lesser of it and `globalRole`. */
  readonly role: MemberRole;
  readonly globalRole: 'admin' | 'operator' | 'viewer';
  readonly since: string;
}
