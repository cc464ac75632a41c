/** The shapes of projects and memberships, and the project fields other resources carry. */
import { type Static, Type } from '@sinclair/typebox';

const Uuid = Type.String({ format: 'uuid' });

/** On create bodies: where the resource goes (default: the caller's only project). */
export const ProjectIdField = Type.Optional(
  Type.String({
    format: 'uuid',
    description: "the project's id; default: your only project where you may create (admins: default)",
  }),
);
/** On list queries: only this project's resources (id or name). */
export const ProjectQuery = Type.Optional(
  Type.String({ minLength: 1, maxLength: 128, description: 'a project id or name' }),
);

const ProjectName = Type.String({ minLength: 1, maxLength: 63, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Description = Type.String({ maxLength: 1024 });
export const MemberRole = Type.Union([Type.Literal('operator'), Type.Literal('viewer')]);

export const Project = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  /** How many users are members. */
  members: Type.Integer(),
});
export type Project = Static<typeof Project>;

export const CreateProject = Type.Object(
  { name: ProjectName, description: Type.Optional(Description) },
  { additionalProperties: false },
);
export const UpdateProject = Type.Object(
  { name: Type.Optional(ProjectName), description: Type.Optional(Description) },
  { additionalProperties: false, minProperties: 1 },
);

export const Member = Type.Object({
  userId: Uuid,
  username: Type.String(),
  /** The role in this project; the user's rights are the lesser of it and `globalRole`. */
  role: MemberRole,
  globalRole: Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('viewer')]),
  since: Type.String({ format: 'date-time' }),
});
export const PutMember = Type.Object({ role: MemberRole }, { additionalProperties: false });
export const MemberParams = Type.Object({
  id: Uuid,
  userId: Type.String({ minLength: 1, maxLength: 128, description: "the user's id or username" }),
});
