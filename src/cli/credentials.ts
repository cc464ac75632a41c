/** `orca credentials list|add`; secrets come from stdin or a file, never from argv. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Credential } from '../http/schemas.ts';
import { action, apiClient, type ConnectionFlags, printJson, subcommand, withConnection } from './common.ts';
import { CliError, type CliIo, ExitCode, usageError } from './io.ts';
import { formatTime, table } from './output.ts';
import { projectRef, withProjectOption } from './projects.ts';
import { readSecret } from './prompt.ts';

interface AddFlags extends ConnectionFlags {
  /** --project: a project name or id. */
  readonly project?: string;
  readonly passwordStdin?: boolean;
  readonly keyFile?: string;
  readonly passphraseStdin?: boolean;
  readonly agent?: boolean;
  readonly agentForward?: boolean;
}

export function credentialsTable(list: readonly Credential[]): string {
  return table(
    ['NAME', 'KIND', 'FINGERPRINT', 'HOSTS', 'UPDATED', 'BY'],
    list.map((c) => [
      c.name,
      c.kind,
      c.fingerprint ?? '-',
      String(c.hostCount),
      formatTime(c.updatedAt),
      c.updatedBy ?? '-',
    ]),
  );
}

/** Which secret `credentials add` reads, or why the flags do not make sense. */
export function secretSource(flags: AddFlags): 'password' | 'ssh-key' | 'ssh-agent' {
  if ([flags.passwordStdin, flags.keyFile, flags.agent].filter(Boolean).length > 1)
    throw usageError('give one of --password-stdin, --key-file or --agent');
  if (flags.agentForward && !flags.agent) throw usageError('--agent-forward goes with --agent');
  if (flags.agent) return 'ssh-agent';
  if (flags.passphraseStdin && !flags.keyFile) throw usageError('--passphrase-stdin goes with --key-file');
  if (flags.passwordStdin) return 'password';
  if (flags.keyFile) return 'ssh-key';
  throw usageError(
    "give --password-stdin (password on standard input), --key-file PATH (SSH private key) or --agent (the worker's SSH agent)",
  );
}

export function registerCredentials(program: Command, io: CliIo): void {
  const credentials = subcommand(program, 'credentials', io).description(
    "secrets hosts log in with (or the worker's SSH agent): list, add",
  );

  withConnection(
    subcommand(credentials, 'list', io)
      .description('every credential (never its secret)')
      .option('--json', 'print JSON'),
  ).action(
    action(io, async (flags: ConnectionFlags & { json?: boolean }) => {
      const list = await (await apiClient(io, flags)).get<Credential[]>('/credentials');
      if (flags.json) printJson(io, list);
      else if (list.length === 0) io.stdout('no credentials; add one with `orca credentials add`\n');
      else io.stdout(credentialsTable(list));
      return ExitCode.ok;
    }),
  );

  withConnection(
    withProjectOption(subcommand(credentials, 'add', io))
      .description('store a password or an SSH private key (encrypted on the server)')
      .usage(
        '<name> (--password-stdin | --key-file <path> [--passphrase-stdin] | --agent [--agent-forward]) [options]',
      )
      .argument('<name>', 'a name for the credential')
      .option('--password-stdin', 'read the password from standard input (prompted on a terminal)')
      .option('--key-file <path>', 'an SSH private key file (PEM or OpenSSH format)')
      .option('--passphrase-stdin', "read the key's passphrase from standard input")
      .option(
        '--agent',
        "log in with the keys of the worker's SSH agent (SSH_AUTH_SOCK on the worker); no secret stored",
      )
      .option('--agent-forward', 'also forward that agent to the host (ssh -A)'),
  ).action(
    action(io, async (name: string, flags: AddFlags) => {
      const kind = secretSource(flags);
      let body: Record<string, string | boolean>;
      if (kind === 'ssh-agent') {
        body = { name, kind, ...(flags.agentForward && { forward: true }) };
      } else if (kind === 'password') {
        body = { name, kind, password: await readSecret(io, 'password: ', 'password') };
      } else {
        const path = flags.keyFile as string;
        const privateKey = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
          throw new CliError(
            `cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`,
            ExitCode.usage,
          );
        });
        body = { name, kind, privateKey };
        if (flags.passphraseStdin) body.passphrase = await readSecret(io, 'passphrase: ', 'passphrase');
      }
      const client = await apiClient(io, flags);
      const created = await client.post<Credential>('/credentials', {
        ...body,
        ...(await projectRef(client, flags.project)),
      });
      io.stdout(
        `added credential ${created.name} (${created.kind}${created.fingerprint ? ` ${created.fingerprint}` : ''})\n`,
      );
      return ExitCode.ok;
    }),
  );
}
