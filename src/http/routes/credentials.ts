import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import {
  deleteUnusedCredential,
  getCredential,
  getSealedSecret,
  insertCredential,
  listCredentials,
  updateCredential,
} from '../../db/credentials.ts';
import { ErrorCode, invalid, notFound, OrcaError } from '../../domain/errors.ts';
import { openSecret, type SecretInput, sealSecret, sshKeyFingerprint } from '../../security/credentials.ts';
import type { App, HttpDeps } from '../app.ts';
import { conflictOnUnique } from '../pg-errors.ts';
import { ProjectQuery } from '../project-schemas.ts';
import { CreateCredential, Credential, IdParams, UpdateCredential } from '../schemas.ts';
import { found, projectFilter, targetProject } from '../scope.ts';

export function credentialRoutes(app: App, deps: HttpDeps): void {
  app.get(
    '/credentials',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Credentials (metadata only; secrets never leave the server)',
        querystring: Type.Object({ project: ProjectQuery }, { additionalProperties: false }),
        response: { 200: Type.Array(Credential) },
      },
    },
    async (request) =>
      listCredentials(deps.db, await projectFilter(deps.db, request.scope, request.query.project)),
  );

  app.get(
    '/credentials/:id',
    {
      schema: {
        tags: ['credentials'],
        summary: 'One credential',
        params: IdParams,
        response: { 200: Credential },
      },
    },
    async (request) =>
      found(request, 'credential', request.params.id, (scope) =>
        getCredential(deps.db, scope, request.params.id),
      ),
  );

  app.post(
    '/credentials',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['credentials'],
        summary: 'Store a credential',
        body: CreateCredential,
        response: { 201: Credential },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const projectId = await targetProject(deps.db, request, body.projectId);
      const input: SecretInput =
        body.kind === 'password'
          ? { kind: 'password', password: body.password }
          : body.kind === 'ssh-agent'
            ? { kind: 'ssh-agent', forward: body.forward ?? false }
            : { kind: 'ssh-key', privateKey: body.privateKey, passphrase: body.passphrase };
      const fingerprint =
        input.kind === 'ssh-key' ? sshKeyFingerprint(input.privateKey, input.passphrase) : null;
      const id = randomUUID();
      const sealed = sealSecret(deps.vault, id, input);
      await insertCredential(deps.db, {
        id,
        projectId,
        name: body.name,
        kind: body.kind,
        secret: sealed.data,
        keyId: sealed.keyId,
        fingerprint,
        createdBy: request.user!.id,
      }).catch(conflictOnUnique(`a credential named ${body.name} already exists`));
      return reply.status(201).send((await getCredential(deps.db, request.scope, id))!);
    },
  );

  app.patch(
    '/credentials/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['credentials'],
        summary: 'Rename a credential or replace its secret',
        params: IdParams,
        body: UpdateCredential,
        response: { 200: Credential },
      },
    },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
      await found(request, 'credential', id, (scope) => getCredential(deps.db, scope, id));
      const current = await getSealedSecret(deps.db, id);
      if (!current) throw notFound('credential', id);
      let sealed: { data: Buffer; keyId: string } | undefined;
      let fingerprint: string | null | undefined;
      if (current.kind === 'password' && body.password !== undefined) {
        sealed = sealSecret(deps.vault, id, { kind: 'password', password: body.password });
      } else if (
        current.kind === 'ssh-key' &&
        (body.privateKey !== undefined || body.passphrase !== undefined)
      ) {
        const old = openSecret(deps.vault, id, 'ssh-key', { keyId: current.keyId, data: current.secret });
        const privateKey = body.privateKey ?? (old.kind === 'ssh-key' ? old.privateKey : '');
        const passphrase =
          body.passphrase ??
          (body.privateKey === undefined && old.kind === 'ssh-key' ? old.passphrase : undefined);
        fingerprint = sshKeyFingerprint(privateKey, passphrase);
        sealed = sealSecret(deps.vault, id, { kind: 'ssh-key', privateKey, passphrase });
      } else if (current.kind === 'ssh-agent' && body.forward !== undefined) {
        sealed = sealSecret(deps.vault, id, { kind: 'ssh-agent', forward: body.forward });
      } else if (body.forward !== undefined) {
        throw invalid('forward', 'applies to ssh-agent credentials only');
      } else if (body.password !== undefined) {
        throw invalid('password', 'applies to password credentials only');
      } else if (body.privateKey !== undefined || body.passphrase !== undefined) {
        throw invalid('privateKey', 'applies to ssh-key credentials only');
      }
      await updateCredential(deps.db, id, request.user!.id, {
        ...(body.name !== undefined && { name: body.name }),
        ...(sealed && { secret: sealed.data, keyId: sealed.keyId }),
        ...(fingerprint !== undefined && { fingerprint }),
      }).catch(conflictOnUnique(`a credential named ${body.name} already exists`));
      return (await getCredential(deps.db, request.scope, id))!;
    },
  );

  app.delete(
    '/credentials/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['credentials'],
        summary: 'Delete an unused credential',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await found(request, 'credential', id, (scope) => getCredential(deps.db, scope, id));
      const result = await deleteUnusedCredential(deps.db, id);
      if (!result.deleted && result.usedBy.length === 0) throw notFound('credential', id);
      if (!result.deleted) {
        const hosts = result.usedBy;
        const shown =
          hosts.slice(0, 20).join(', ') + (hosts.length > 20 ? `, and ${hosts.length - 20} more` : '');
        throw new OrcaError(
          ErrorCode.conflict,
          `the credential is used by ${hosts.length} host(s): ${shown}; point them at another credential first`,
          hosts.map((name, i) => ({ path: `hosts[${i}]`, message: name })),
        );
      }
      return reply.status(204).send(null);
    },
  );
}
