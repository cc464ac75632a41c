/**
 * `orca hosts import <file…> --format F`: reads the files here (for ssh-config also what they
 * Include, for vm-config a directory's environments/<env>/config.yml), shows what the import would
 * add, change and leave alone, and with `--apply` does it.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { type Command, Option } from 'commander';
import { globToRegExp } from '../domain/targets.ts';
import type { ImportPlanView } from '../http/import-schemas.ts';
import { IMPORT_FORMATS } from '../inventory/imports/index.ts';
import { action, apiClient, type ConnectionFlags, printJson, subcommand, withConnection } from './common.ts';
import { CliError, type CliIo, ExitCode } from './io.ts';
import { table } from './output.ts';
import { projectRef, withProjectOption } from './projects.ts';

interface ImportFlags extends ConnectionFlags {
  /** --project: a project name or id. */
  readonly project?: string;
  readonly format: (typeof IMPORT_FORMATS)[number];
  readonly credential?: string;
  readonly user?: string;
  readonly apply?: boolean;
  readonly json?: boolean;
}

type Files = Map<string, string>;

async function read(path: string): Promise<string> {
  return readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new CliError(
      `cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`,
      ExitCode.usage,
    );
  });
}

/** An ssh config and everything it Includes, named as the Include lines name them. */
async function sshConfigFiles(path: string, files: Files, name = basename(path), depth = 0): Promise<void> {
  const text = await read(path);
  files.set(name, text);
  if (depth > 16) return;
  for (const m of text.matchAll(/^\s*include\s*(?:=\s*|\s+)(.+?)\s*$/gim)) {
    for (const pattern of (m[1] ?? '').split(/\s+/)) {
      const rel = pattern.replace(/^~\/\.ssh\//, '').replace(/^~\//, '');
      const base = pattern.startsWith('~/') && !pattern.startsWith('~/.ssh/') ? homedir() : dirname(path);
      const dir = join(base, dirname(rel));
      const re = globToRegExp(basename(rel));
      const entries = await readdir(dir).catch(() => [] as string[]);
      for (const entry of entries.filter((e) => re.test(e)).sort()) {
        const included = relative(base, join(dir, entry));
        if (!files.has(included)) await sshConfigFiles(join(dir, entry), files, included, depth + 1);
      }
    }
  }
}

/** environments/<env>/config.yml under a directory (or the directory itself being environments/). */
async function vmConfigFiles(path: string, files: Files): Promise<void> {
  const root = basename(path) === 'environments' ? path : join(path, 'environments');
  const envs = await readdir(root).catch(() => {
    throw new CliError(`${path}: no environments/ directory`, ExitCode.usage);
  });
  for (const env of envs.sort()) {
    for (const name of ['config.yml', 'config.yaml']) {
      const file = join(root, env, name);
      if (
        await stat(file).then(
          (s) => s.isFile(),
          () => false,
        )
      )
        files.set(`environments/${env}/${name}`, await read(file));
    }
  }
}

export function planText(plan: ImportPlanView): string {
  const lines: string[] = [];
  const c = plan.counts;
  lines.push(
    `${plan.applied ? 'imported' : 'would import'}: ${c.add} to add, ${c.change} to change, ${c.unchanged} unchanged${c.problems ? `, ${c.problems} left out` : ''}`,
  );
  const rows = plan.hosts
    .filter((h) => h.action !== 'unchanged')
    .map((h) => [
      h.action,
      h.name,
      h.address,
      h.changes.map((x) => `${x.field}: ${JSON.stringify(x.from)} → ${JSON.stringify(x.to)}`).join('; '),
    ]);
  if (rows.length > 0) lines.push(table(['ACTION', 'HOST', 'ADDRESS', 'CHANGES'], rows).trimEnd());
  const groups = plan.groups.filter((g) => g.action !== 'unchanged');
  if (groups.length > 0) {
    lines.push(
      `groups: ${groups.map((g) => `${g.action} ${g.name}${g.addChildren.length ? ` (+${g.addChildren.join(', ')})` : ''}`).join(', ')}`,
    );
  }
  for (const p of plan.problems) lines.push(`left out  ${p.source}: ${p.message}`);
  for (const n of plan.notes) lines.push(`note      ${n.source}: ${n.message}`);
  if (!plan.applied && (c.add > 0 || c.change > 0))
    lines.push('nothing written; run again with --apply to import');
  return `${lines.join('\n')}\n`;
}

export function registerHostImport(hosts: Command, io: CliIo): void {
  withConnection(
    withProjectOption(subcommand(hosts, 'import', io))
      .description(
        'hosts and groups from ~/.ssh/config, an Ansible inventory, CSV or vm-config: a preview, or --apply',
      )
      .argument('<files...>', 'the source (ssh-config: its Includes are read too; vm-config: a directory)')
      .addOption(
        new Option('--format <format>', 'what the files are').choices(IMPORT_FORMATS).makeOptionMandatory(),
      )
      .option('--credential <name>', 'the credential new hosts log in with')
      .option('--user <user>', 'the user for hosts the source gives none')
      .option('--apply', 'write the changes (default: only show them)')
      .option('--json', 'print the plan as JSON'),
  ).action(
    action(io, async (paths: string[], flags: ImportFlags) => {
      const files: Files = new Map();
      for (const path of paths) {
        if (flags.format === 'ssh-config') await sshConfigFiles(path, files);
        else if (flags.format === 'vm-config') await vmConfigFiles(path, files);
        else files.set(basename(path), await read(path));
      }
      const client = await apiClient(io, flags);
      const plan = await client.post<ImportPlanView>('/hosts/import', {
        format: flags.format,
        files: [...files].map(([name, content]) => ({ name, content })),
        ...(flags.format === 'ssh-config' && paths[0] && { main: basename(paths[0]) }),
        ...(flags.credential && { credential: flags.credential }),
        ...(await projectRef(client, flags.project)),
        ...(flags.user && { defaultUser: flags.user }),
        ...(flags.apply && { apply: true }),
      });
      if (flags.json) printJson(io, plan);
      else io.stdout(planText(plan));
      return ExitCode.ok;
    }),
  );
}
