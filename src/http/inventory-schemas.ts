/** The shapes of host groups, bulk host operations and the selector filter of the host list. */

import { type Static, Type } from '@sinclair/typebox';
import { Pool } from './pool-schemas.ts';
import { ProjectIdField, ProjectQuery } from './project-schemas.ts';
import { HEALTH_STATUSES, HostCheck, Id, Literals, Name, Nullable, Tags, Timestamp } from './schemas.ts';

const Selector = Type.String({ minLength: 1, maxLength: 4096, description: 'a selector expression' });
const HostNames = Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
  maxItems: 10000,
  description: 'host names or ids',
});
const Description = Type.String({ maxLength: 1024 });

export const Group = Type.Object({
  id: Id,
  /** Its hosts and nested groups are in the same project. */
  projectId: Id,
  name: Type.String(),
  description: Type.String(),
  /** The hosts directly in the group, by name. */
  hosts: Type.Array(Type.String()),
  /** Groups nested in this one: their hosts are this group's hosts too. */
  children: Type.Array(Type.String()),
  /** Groups this one is nested in. */
  parents: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Group = Static<typeof Group>;

export const CreateGroup = Type.Object(
  {
    name: Name,
    projectId: ProjectIdField,
    description: Type.Optional(Description),
    /** Names of the groups to nest in this one. */
    children: Type.Optional(Type.Array(Name, { maxItems: 1000 })),
    hosts: Type.Optional(HostNames),
  },
  { additionalProperties: false },
);
export type CreateGroup = Static<typeof CreateGroup>;

export const UpdateGroup = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    /** Replaces the nested groups. */
    children: Type.Optional(Type.Array(Name, { maxItems: 1000 })),
    /** Replaces the direct members. */
    hosts: Type.Optional(HostNames),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateGroup = Static<typeof UpdateGroup>;

export const HostListQuery = Type.Object(
  {
    selector: Type.Optional(Selector),
    health: Type.Optional(Literals(HEALTH_STATUSES)),
    os: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: 'facts.os contains this (any case)' }),
    ),
    pool: Type.Optional(
      Type.Union([Pool, Type.Literal('none')], {
        description: 'hosts routed to this worker pool (key=value); `none`: hosts any worker runs',
      }),
    ),
    project: ProjectQuery,
  },
  { additionalProperties: false },
);

export const BulkAction = Type.Union([
  Type.Literal('tag'),
  Type.Literal('untag'),
  Type.Literal('delete'),
  Type.Literal('test'),
]);
export const HostsBulk = Type.Object(
  {
    action: BulkAction,
    /** For `tag` and `untag`. */
    tags: Type.Optional(Type.Array(Tags.items, { minItems: 1, maxItems: 100 })),
    hosts: Type.Optional(Type.Array(HostNames.items, { minItems: 1, maxItems: 10000 })),
    selector: Type.Optional(Selector),
  },
  { additionalProperties: false },
);
export type HostsBulk = Static<typeof HostsBulk>;

export const BulkCheck = Type.Object({
  hostId: Id,
  hostName: Type.String(),
  checkId: Id,
  /** Null while no worker has answered (the host's lastCheck shows it later). */
  result: Nullable(HostCheck),
});
export const HostsBulkResult = Type.Object({
  action: BulkAction,
  /** The hosts the operation applied to. */
  hosts: Type.Array(Type.Object({ id: Id, name: Type.String() })),
  /** `test`: one connectivity check per host. */
  checks: Type.Array(BulkCheck),
});
export type HostsBulkResult = Static<typeof HostsBulkResult>;
