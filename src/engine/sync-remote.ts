/**
 * The host side of a directory sync: the command listing the remote tree with SHA-256 (creating
 * it when missing), its parser, the commands creating directories, and remote path joining. Pure.
 * Relative paths use `/` whatever the host.
 */

import { COMMAND_LINE_LIMIT, encodePowerShell } from '../connectors/windows/powershell.ts';
import type { Os, Shell } from '../domain/host-settings.ts';
import { powershellQuote, shQuote } from '../domain/shell-quote.ts';

/** What the listing found under the remote directory. */
export interface RemoteTree {
  /** Lower-case hex SHA-256 by relative path (lower-cased on Windows, whose names ignore case). */
  readonly files: ReadonlyMap<string, string>;
  /** Relative paths of the directories under the root (lower-cased on Windows). */
  readonly directories: ReadonlySet<string>;
}

export interface RemoteHost {
  readonly os: Os;
  /** The shell commands run in; on Windows, `cmd` gets PowerShell through powershell.exe. */
  readonly shell: Shell;
}

/** The key a relative path is compared by. */
export function pathKey(os: Os, relative: string): string {
  return os === 'windows' ? relative.toLowerCase() : relative;
}

/** `dir` joined with a relative `/` path, in the host's separators; `dir` is kept as written. */
export function remoteJoin(os: Os, dir: string, relative: string): string {
  if (os === 'windows') {
    const base = dir.replace(/[\\/]+$/, '');
    return `${base}\\${relative.replaceAll('/', '\\')}`;
  }
  const base = dir.replace(/\/+$/, '');
  return `${base}/${relative}`;
}

/** Exit code of the listing when the host has nothing to hash with. */
export const EXIT_NO_HASHER = 127;

/**
 * Lists `root` on the host: POSIX prints `D ./dir` per directory, then sha256sum's (shasum's,
 * openssl's) `<hex>  ./file` lines, names escaped with a leading `\` as GNU tools do; Windows prints
 * `D <base64 path>` and `F <HEX> <base64 path>` (UTF-8, so no console code page gets in the way).
 * A missing root is created and listed as empty.
 */
export function listCommand(host: RemoteHost, root: string): string {
  if (host.os === 'windows') {
    return powershell(host, [
      "$ErrorActionPreference = 'Stop'",
      "$ProgressPreference = 'SilentlyContinue'",
      `$root = ${powershellQuote(root)}`,
      'if (-not [IO.Directory]::Exists($root)) {',
      '  $created = [IO.Directory]::CreateDirectory($root)',
      '  exit 0',
      '}',
      "foreach ($path in [IO.Directory]::GetDirectories($root, '*', 'AllDirectories')) {",
      "  [Console]::Out.WriteLine('D ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($path)))",
      '}',
      "foreach ($path in [IO.Directory]::GetFiles($root, '*', 'AllDirectories')) {",
      '  $hash = (Get-FileHash -Algorithm SHA256 -LiteralPath $path).Hash',
      "  [Console]::Out.WriteLine('F ' + $hash + ' ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($path)))",
      '}',
      'exit 0',
    ]);
  }
  return [
    `root=${shQuote(root)}`,
    'if [ ! -e "$root" ] && [ ! -L "$root" ]; then mkdir -p -- "$root"; exit $?; fi',
    'CDPATH= cd -- "$root" || exit 1',
    'if command -v sha256sum >/dev/null 2>&1; then set -- sha256sum',
    'elif command -v shasum >/dev/null 2>&1; then set -- shasum -a 256',
    'elif command -v openssl >/dev/null 2>&1; then set -- openssl dgst -sha256 -r',
    `else echo 'none of sha256sum, shasum or openssl is installed; install coreutils' >&2; exit ${EXIT_NO_HASHER}`,
    'fi',
    'find . ! -name . -type d -exec printf \'D %s\\n\' {} + && find . -type f -exec "$@" {} +',
  ].join('\n');
}

/** Parses the listing's output; lines it cannot read are left out, so their files are copied again. */
export function parseListing(os: Os, root: string, stdout: string): RemoteTree {
  const files = new Map<string, string>();
  const directories = new Set<string>();
  for (const line of stdout.split('\n')) {
    const text = line.replace(/\r$/, '');
    if (os === 'windows') {
      const dir = /^D ([A-Za-z0-9+/=]+)$/.exec(text);
      const file = /^F ([0-9A-Fa-f]{64}) ([A-Za-z0-9+/=]+)$/.exec(text);
      const full = Buffer.from((dir?.[1] ?? file?.[2] ?? '') as string, 'base64').toString('utf8');
      const relative = windowsRelative(root, full);
      if (relative === null) continue;
      if (dir) directories.add(pathKey(os, relative));
      if (file?.[1]) files.set(pathKey(os, relative), file[1].toLowerCase());
      continue;
    }
    if (text.startsWith('D ./')) {
      directories.add(text.slice(4));
      continue;
    }
    const hashed = /^(\\?)([0-9A-Fa-f]{64}) [ *]\.\/(.+)$/.exec(text);
    if (!hashed?.[2] || !hashed[3]) continue;
    const name = hashed[1] ? unescapeName(hashed[3]) : hashed[3];
    files.set(name, hashed[2].toLowerCase());
  }
  return { files, directories };
}

/** GNU coreutils escapes `\` and newlines (and, since 9, CR) in names and marks the line with `\`. */
function unescapeName(name: string): string {
  return name.replace(/\\(\\|n|r)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

/** `full` (as .NET joined it onto `root`) relative to `root` with `/`, or null when it is not under it. */
function windowsRelative(root: string, full: string): string | null {
  if (full.length <= root.length || full.slice(0, root.length).toLowerCase() !== root.toLowerCase())
    return null;
  const relative = full.slice(root.length).replace(/^[\\/]+/, '');
  return relative === '' ? null : relative.replaceAll('\\', '/');
}

/** Commands creating `paths` (with their parents), as few as the command-line limits allow. */
export function mkdirCommands(host: RemoteHost, paths: readonly string[]): string[] {
  const lines =
    host.os === 'windows'
      ? paths.map((p) => `$created = [IO.Directory]::CreateDirectory(${powershellQuote(p)})`)
      : paths.map((p) => shQuote(p));
  // POSIX: well under ARG_MAX; PowerShell through cmd: the encoded script must fit cmd's line.
  const budget = host.os !== 'windows' ? 64 * 1024 : host.shell === 'cmd' ? 2800 : 32 * 1024;
  const batches: string[][] = [];
  let size = 0;
  for (const line of lines) {
    const last = batches.at(-1);
    if (!last || size + line.length > budget) {
      batches.push([line]);
      size = line.length;
    } else {
      last.push(line);
      size += line.length + 1;
    }
  }
  return batches.map((batch) =>
    host.os === 'windows'
      ? powershell(host, ["$ErrorActionPreference = 'Stop'", ...batch])
      : `mkdir -p -- ${batch.join(' ')}`,
  );
}

/** A PowerShell script as the host's shell runs it. */
function powershell(host: RemoteHost, lines: readonly string[]): string {
  const script = lines.join('\n');
  if (host.shell !== 'cmd') return script;
  const commandLine = `powershell.exe -NoLogo -NoProfile -NonInteractive -EncodedCommand ${encodePowerShell(script)}`;
  if (commandLine.length > COMMAND_LINE_LIMIT)
    throw new RangeError('the PowerShell command line is too long for cmd');
  return commandLine;
}

/** Why a relative path cannot exist on the host, or null. */
export function unusableName(os: Os, relative: string): string | null {
  if (os !== 'windows') return null;
  const bad = [...relative].find((c) => c.charCodeAt(0) < 0x20 || '\\:*?"<>|'.includes(c));
  return bad === undefined ? null : `Windows does not allow ${JSON.stringify(bad)} in file names`;
}
