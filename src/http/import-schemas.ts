/** The shapes of inventory imports: files in, a plan (and whether it was applied) out. */
import { type Static, Type } from '@sinclair/typebox';
import { IMPORT_FORMATS } from '../inventory/imports/index.ts';
import { ProjectIdField } from './project-schemas.ts';
import { Literals } from './schemas.ts';

export const ImportHosts = Type.Object(
  {
    format: Literals(IMPORT_FORMATS),
    /** The project imported into: only its hosts and groups are compared, added or changed. */
    projectId: ProjectIdField,
    /** The source file, and for ssh-config the files it Includes (by the name the Include uses). */
    files: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 512 }),
          content: Type.String({ maxLength: 2 * 1024 * 1024 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 200 },
    ),
    /** The file to start from (default: the first). */
    main: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    /** Credential (name or id) new hosts log in with; needed when the import adds hosts. */
    credential: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    /** User for hosts the source gives none. */
    defaultUser: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    /** false (default): only say what would change. */
    apply: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ImportHosts = Static<typeof ImportHosts>;

const Note = Type.Object({ source: Type.String(), message: Type.String() });
const Action = Literals(['add', 'change', 'unchanged'] as const);

export const ImportPlanView = Type.Object({
  applied: Type.Boolean(),
  counts: Type.Object({
    add: Type.Integer(),
    change: Type.Integer(),
    unchanged: Type.Integer(),
    problems: Type.Integer(),
  }),
  hosts: Type.Array(
    Type.Object({
      name: Type.String(),
      action: Action,
      address: Type.String(),
      changes: Type.Array(Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() })),
      source: Type.String(),
    }),
  ),
  groups: Type.Array(
    Type.Object({
      name: Type.String(),
      action: Action,
      addChildren: Type.Array(Type.String()),
      source: Type.String(),
    }),
  ),
  /** Hosts left out, and why. */
  problems: Type.Array(Note),
  /** Everything in the source orca did not take. */
  notes: Type.Array(Note),
});
export type ImportPlanView = Static<typeof ImportPlanView>;
