/**
 * `orca projects list|create|delete|members|add-member|remove-member`, and `projectRef` for the
 * `--project` option of the create commands (a project name or id becomes its id).
 */
import type { Command } from 'commander';
import type { Project } from '../http/project-schemas.ts';
import type { ApiClient } from './client.ts';
import { action, apiClient, type ConnectionFlags, printJson, subcommand, withConnection } from './common.ts';
import { findByNameOrId } from './hosts.ts';
import { type CliIo, ExitCode, usageError } from './io.ts';
import { table } from './output.ts';

interface MemberView {
  readonly userId: string;
  readonly username: string;
  readonly role: string;
  readonly globalRole: string;
}

export async function resolveProject(client: ApiClient, key: string): Promise<Project> {
  const project = findByNameOrId(await client.get<Project[]>('/projects'), key);
  if (!project) throw usageError(`no project named ${key}; see \`orca projects list\``);
  return project;
}

/** `{ projectId }` for a request body when `--project` was given, else nothing. */
export async function projectRef(
  client: ApiClient,
  key: string | undefined,
): Promise<{ projectId?: string }> {
  return key === undefined ? {} : { projectId: (await resolveProject(client, key)).id };
}

/** Adds `--project <name>` to a command that creates something. */
export const withProjectOption = (cmd: Command): Command =>
  cmd.option('--project <name>', 'the project it goes into (default: your only project)');

export function registerProjects(program: Command, io: CliIo): void {
  const projects = subcommand(program, 'projects', io).description(
    'projects scope hosts, credentials, jobs and runs: list, create, delete, members',
  );

  withConnection(
    subcommand(projects, 'list', io)
      .description('the projects you are in (admins: all)')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ConnectionFlags & { json?: boolean }) => {
      const list = await (await apiClient(io, flags)).get<Project[]>('/projects');
      if (flags.json) printJson(io, list);
      else
        io.stdout(
          table(
            ['NAME', 'MEMBERS', 'DESCRIPTION', 'ID'],
            list.map((p) => [p.name, String(p.members), p.description || '-', p.id]),
          ),
        );
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(projects, 'create', io)
      .description('create a project (admin)')
      .argument('<name>', 'e.g. payments')
      .option('--description <text>', 'what it holds'),
  ).action(
    action(io, async (name: string, flags: ConnectionFlags & { description?: string }) => {
      const p = await (await apiClient(io, flags)).post<Project>('/projects', {
        name,
        ...(flags.description !== undefined && { description: flags.description }),
      });
      io.stdout(`created project ${p.name} (${p.id})\n`);
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(projects, 'delete', io)
      .description('delete an empty project (admin)')
      .argument('<project>', 'name or id'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags) => {
      const client = await apiClient(io, flags);
      const p = await resolveProject(client, key);
      await client.delete(`/projects/${p.id}`);
      io.stdout(`deleted project ${p.name}\n`);
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(projects, 'members', io)
      .description("a project's members and their roles (admin)")
      .argument('<project>', 'name or id')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (key: string, flags: ConnectionFlags & { json?: boolean }) => {
      const client = await apiClient(io, flags);
      const p = await resolveProject(client, key);
      const list = await client.get<MemberView[]>(`/projects/${p.id}/members`);
      if (flags.json) printJson(io, list);
      else if (list.length === 0) io.stdout(`project ${p.name} has no members\n`);
      else
        io.stdout(
          table(
            ['USER', 'ROLE', 'GLOBAL ROLE'],
            list.map((m) => [m.username, m.role, m.globalRole]),
          ),
        );
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(projects, 'add-member', io)
      .description('add a user to a project, or change their role there (admin)')
      .argument('<project>', 'name or id')
      .argument('<user>', 'username or id')
      .option(
        '--role <role>',
        'operator or viewer (their rights: the lesser of it and their own role)',
        'operator',
      ),
  ).action(
    action(io, async (key: string, user: string, flags: ConnectionFlags & { role: string }) => {
      if (flags.role !== 'operator' && flags.role !== 'viewer') {
        throw usageError(`--role must be operator or viewer, not ${flags.role}`);
      }
      const client = await apiClient(io, flags);
      const p = await resolveProject(client, key);
      const m = await client.put<MemberView>(`/projects/${p.id}/members/${encodeURIComponent(user)}`, {
        role: flags.role,
      });
      io.stdout(`${m.username} is ${m.role} in project ${p.name}\n`);
      return ExitCode.ok;
    }),
  );

  withConnection(
    subcommand(projects, 'remove-member', io)
      .description('take a user out of a project: its resources become invisible to them (admin)')
      .argument('<project>', 'name or id')
      .argument('<user>', 'username or id'),
  ).action(
    action(io, async (key: string, user: string, flags: ConnectionFlags) => {
      const client = await apiClient(io, flags);
      const p = await resolveProject(client, key);
      await client.delete(`/projects/${p.id}/members/${encodeURIComponent(user)}`);
      io.stdout(`removed ${user} from project ${p.name}\n`);
      return ExitCode.ok;
    }),
  );
}
