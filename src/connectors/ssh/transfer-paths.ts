/**
 * Paths and commands of SFTP transfers: the temporary name beside a target, the path form the
 * SFTP server takes, and the command that hashes a file on the host. Pure.
 */
import { posix, win32 } from 'node:path';
import type { Os, Shell } from '../../domain/host-settings.ts';
import { shQuote } from '../../domain/shell-quote.ts';
import { encodePowerShell, quote as powershellQuote } from '../windows/powershell.ts';

/** `.<name>.orca-<token>` in the target's directory: hidden, and never a name the user chose. */
export function tempPathBeside(os: Os, remotePath: string, token: string): string {
  const path = os === 'windows' ? win32 : posix;
  return path.join(path.dirname(remotePath), `.${path.basename(remotePath)}.orca-${token}`);
}

/**
 * The path as the SFTP server reads it. OpenSSH for Windows takes `/C:/dir/file`; POSIX paths
 * pass unchanged (relative ones start in the login directory, as in a command).
 */
export function sftpPath(os: Os, path: string): string {
  if (os !== 'windows') return path;
  const slashed = path.replaceAll('\\', '/');
  return /^[A-Za-z]:/.test(slashed) ? `/${slashed}` : slashed;
}

/** Exit code of the hash command when the host has no tool to hash with. */
export const EXIT_NO_HASHER = 127;

/**
 * A command printing the SHA-256 of `path` on the host, in the host's shell. POSIX: the first of
 * sha256sum, shasum and openssl that exists, reading the file on stdin so that no file name is
 * ever escaped in the output; Windows: Get-FileHash, through powershell.exe where commands run in cmd.
 */
export function hashCommand(target: { readonly os: Os; readonly shell: Shell }, path: string): string {
  if (target.os === 'windows') {
    const script = [
      "$ErrorActionPreference = 'Stop'",
      `(Get-FileHash -Algorithm SHA256 -LiteralPath ${powershellQuote(path)}).Hash`,
    ].join('\n');
    if (target.shell !== 'cmd') return script;
    return `powershell.exe -NoLogo -NoProfile -NonInteractive -EncodedCommand ${encodePowerShell(script)}`;
  }
  const file = shQuote(path);
  return [
    `if command -v sha256sum >/dev/null 2>&1; then sha256sum <${file}`,
    `elif command -v shasum >/dev/null 2>&1; then shasum -a 256 <${file}`,
    `elif command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 <${file}`,
    `else echo 'none of sha256sum, shasum or openssl is installed' >&2; exit ${EXIT_NO_HASHER}`,
    'fi',
  ].join('\n');
}

/** The lower-case hex SHA-256 in the hash command's output, or null. */
export function parseSha256(stdout: string): string | null {
  return /(?:^|[^0-9A-Fa-f])([0-9A-Fa-f]{64})(?![0-9A-Fa-f])/.exec(stdout)?.[1]?.toLowerCase() ?? null;
}
