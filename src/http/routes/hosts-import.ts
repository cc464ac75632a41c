/**
 * `POST /hosts/import`: hosts from ~/.ssh/config, Ansible inventories, CSV or vm-config
 * environments. Without `apply` it answers what would be added, changed and left alone; with
 * `apply` it does exactly that in one transaction. The same source applied twice changes nothing.
 */
import { ErrorCode, invalid, OrcaError } from '../../domain/errors.ts';
import { applyImport, loadExisting } from '../../inventory/imports/apply.ts';
import { parseImport } from '../../inventory/imports/index.ts';
import { planImport } from '../../inventory/imports/plan.ts';
import { ImportError } from '../../inventory/imports/types.ts';
import type { App, HttpDeps } from '../app.ts';
import { ImportHosts, ImportPlanView } from '../import-schemas.ts';
import { conflictOnUnique } from '../pg-errors.ts';
import { targetProject } from '../scope.ts';

export function hostImportRoutes(app: App, deps: HttpDeps): void {
  app.post(
    '/hosts/import',
    {
      config: { access: 'operator' },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['hosts'],
        summary: 'Import hosts and groups: preview by default, `apply: true` to write',
        body: ImportHosts,
        response: { 200: ImportPlanView },
      },
    },
    async (request) => {
      const b = request.body;
      const files = new Map(b.files.map((f) => [f.name, f.content]));
      if (files.size !== b.files.length) throw invalid('body.files', 'two files have the same name');
      if (b.main !== undefined && !files.has(b.main)) throw invalid('body.main', `no file named ${b.main}`);
      let parsed: ReturnType<typeof parseImport>;
      try {
        parsed = parseImport(b.format, files, b.main);
      } catch (error) {
        if (error instanceof ImportError) {
          throw new OrcaError(ErrorCode.validation, error.message, [
            { path: 'body.files', message: error.message },
          ]);
        }
        throw error;
      }
      const projectId = await targetProject(deps.db, request, b.projectId);
      const plan = planImport(parsed, await loadExisting(deps.db, projectId), { defaultUser: b.defaultUser });
      let credentialId: string | null = null;
      if (b.credential !== undefined) {
        const c = await deps.db
          .selectFrom('credentials')
          .select('id')
          .where('project_id', '=', projectId)
          .where((w) =>
            /^[0-9a-f-]{36}$/i.test(b.credential ?? '')
              ? w.or([w('id', '=', b.credential ?? ''), w('name', '=', b.credential ?? '')])
              : w('name', '=', b.credential ?? ''),
          )
          .executeTakeFirst();
        if (!c) throw invalid('body.credential', `no credential is named ${b.credential} in the project`);
        credentialId = c.id;
      }
      if (b.apply) {
        await applyImport(deps.db, projectId, plan, credentialId).catch(
          conflictOnUnique('a host of this import has the name of a host in another project'),
        );
      }
      const count = (a: string) => plan.hosts.filter((h) => h.action === a).length;
      return {
        applied: b.apply === true,
        counts: {
          add: count('add'),
          change: count('change'),
          unchanged: count('unchanged'),
          problems: plan.problems.length,
        },
        hosts: plan.hosts.map((h) => ({
          name: h.name,
          action: h.action,
          address: h.host.address,
          changes: h.changes,
          source: h.source,
        })),
        groups: plan.groups,
        problems: plan.problems,
        notes: plan.notes,
      };
    },
  );
}
