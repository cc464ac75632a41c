/** Users administration (admin only): create, change role, disable, reset password, unlock, sign out, delete. */
import { Type } from '@sinclair/typebox';
import { lockedUntilByUser, unlockAccount } from '../../db/login-throttle.ts';
import { deleteUserSessions } from '../../db/sessions.ts';
import {
  deleteUserGuarded,
  getUser,
  insertUser,
  listUsers,
  setPasswordHash,
  type UserDetailRow,
  updateUserGuarded,
} from '../../db/users.ts';
import { ErrorCode, notFound, OrcaError } from '../../domain/errors.ts';
import { checkNewPassword, checkUserChange, checkUserDelete } from '../../domain/user-admin.ts';
import { hashPassword } from '../../security/passwords.ts';
import { generatePassword } from '../../security/tokens.ts';
import type { App, HttpDeps } from '../app.ts';
import { conflictOnUnique } from '../pg-errors.ts';
import { ErrorBody, IdParams } from '../schemas.ts';
import {
  CreateUser,
  ResetPassword,
  SessionsEnded,
  UpdateUser,
  UserDetail,
  UserWithPassword,
} from '../user-schemas.ts';

const toDetail = (r: UserDetailRow, locks: Map<string, Date>): UserDetail => ({
  id: r.id,
  username: r.username,
  role: r.role,
  disabled: r.disabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  lastLoginAt: r.last_login_at?.toISOString() ?? null,
  authSource: r.auth_source,
  lockedUntil: locks.get(r.username)?.toISOString() ?? null,
});

const admin = { access: 'admin' } as const;
const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function userRoutes(app: App, deps: HttpDeps): void {
  const detail = async (r: UserDetailRow) => toDetail(r, await lockedUntilByUser(deps.db));
  const existing = async (id: string) => {
    const user = await getUser(deps.db, id);
    if (!user) throw notFound('user', id);
    return user;
  };

  app.get(
    '/users',
    {
      config: admin,
      schema: {
        tags: ['users'],
        summary: 'Every user with role, disabled, last login and login lock',
        response: { 200: Type.Array(UserDetail) },
      },
    },
    async () => {
      const locks = await lockedUntilByUser(deps.db);
      return (await listUsers(deps.db)).map((u) => toDetail(u, locks));
    },
  );

  app.get(
    '/users/:id',
    {
      config: admin,
      schema: {
        tags: ['users'],
        summary: 'One user',
        params: IdParams,
        response: { 200: UserDetail, ...errors },
      },
    },
    async (request) => detail(await existing(request.params.id)),
  );

  app.post(
    '/users',
    {
      config: admin,
      schema: {
        tags: ['users'],
        summary: 'Create a user; without a password one is generated and returned once',
        body: CreateUser,
        response: { 201: UserWithPassword, ...errors },
      },
    },
    async (request, reply) => {
      const { username, role } = request.body;
      const given = request.body.password;
      if (given) checkNewPassword('body.password', given, username);
      const password = given ?? generatePassword();
      const user = await insertUser(deps.db, {
        username,
        role,
        passwordHash: await hashPassword(password),
      }).catch(conflictOnUnique(`a user named ${username} exists already`));
      return reply.status(201).send({ user: await detail(user), password: given ? null : password });
    },
  );

  app.patch(
    '/users/:id',
    {
      config: admin,
      schema: {
        tags: ['users'],
        summary: 'Change role or disable/enable; disabling ends the sessions and stops the tokens',
        description: 'Refused for the last enabled admin (demote, disable) and for disabling oneself.',
        params: IdParams,
        body: UpdateUser,
        response: { 200: UserDetail, ...errors },
      },
    },
    async (request) => {
      const change = request.body;
      const user = await updateUserGuarded(deps.db, request.params.id, change, (target, admins) =>
        checkUserChange(request.user!.id, target, change, admins),
      );
      if (!user) throw notFound('user', request.params.id);
      if (change.disabled === true) await deleteUserSessions(deps.db, user.id);
      return detail(user);
    },
  );

  app.delete(
    '/users/:id',
    {
      config: admin,
      schema: {
        tags: ['users'],
        summary: 'Delete a user that has done nothing yet (else disable it: the audit log keeps its name)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const deleted = await deleteUserGuarded(deps.db, request.params.id, (target, admins, audited) =>
        checkUserDelete(request.user!.id, target, admins, audited),
      );
      if (!deleted) throw notFound('user', request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/users/:id/password',
    {
      config: admin,
      schema: {
        tags: ['users'],
        summary: "Reset a user's password (given, or generated and returned once); ends their sessions",
        params: IdParams,
        body: ResetPassword,
        response: { 200: UserWithPassword, ...errors },
      },
    },
    async (request) => {
      const user = await existing(request.params.id);
      if (user.auth_source !== 'local')
        throw new OrcaError(
          ErrorCode.conflict,
          `${user.username} signs in through single sign-on and has no password in orca; reset it at the provider`,
        );
      const given = request.body.password;
      if (given) checkNewPassword('body.password', given, user.username);
      const password = given ?? generatePassword();
      await setPasswordHash(deps.db, user.id, await hashPassword(password));
      await deleteUserSessions(deps.db, user.id);
      await unlockAccount(deps.db, user.username);
      return { user: await detail(user), password: given ? null : password };
    },
  );

  app.post(
    '/users/:id/unlock',
    {
      config: admin,
      schema: {
        tags: ['users'],
        summary: 'Clear the failed-login locks and counters of a user',
        params: IdParams,
        response: { 200: UserDetail, ...errors },
      },
    },
    async (request) => {
      const user = await existing(request.params.id);
      await unlockAccount(deps.db, user.username);
      return detail(user);
    },
  );

  app.post(
    '/users/:id/sessions/revoke',
    {
      config: admin,
      schema: {
        tags: ['users'],
        summary: 'Sign a user out everywhere (their API tokens stay valid; revoke those apart)',
        params: IdParams,
        response: { 200: SessionsEnded, ...errors },
      },
    },
    async (request) => {
      const user = await existing(request.params.id);
      return { sessionsEnded: await deleteUserSessions(deps.db, user.id) };
    },
  );
}
