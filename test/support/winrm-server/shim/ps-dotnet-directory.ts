/**
 * `[IO.Directory]` members (and `[IO.Path]::GetTempPath`) with real effects under the file root: Exists, CreateDirectory (which
 * creates the missing parents and returns a DirectoryInfo), and GetFiles / GetDirectories with
 * the pattern `*` and SearchOption TopDirectoryOnly or AllDirectories. As .NET does, results are
 * the given path joined with each name, recursion visits hidden entries and does not follow
 * symbolic links out of the tree (reparse points are listed, not entered).
 */
import { type Dirent, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DotNetContext } from './ps-dotnet.ts';
import { ArrayValue, DotNetException, HostObject, toText, type Value } from './ps-values.ts';
import { fileException, type MappedPath, mapWindowsPath } from './winpath.ts';

/** What CreateDirectory returns. */
class DirectoryInfo extends HostObject {
  readonly typeName = 'System.IO.DirectoryInfo';
  constructor(private readonly path: MappedPath) {
    super();
  }
  property(name: string): Value {
    switch (name.toLowerCase()) {
      case 'fullname':
        return this.path.windows;
      case 'name':
        return this.path.windows.split('\\').filter(Boolean).pop() ?? this.path.windows;
      case 'exists':
        return statSync(this.path.host, { throwIfNoEntry: false })?.isDirectory() ?? false;
      default:
        return null;
    }
  }
  method(): undefined {
    return undefined;
  }
  override toText(): string {
    return this.path.windows.split('\\').filter(Boolean).pop() ?? this.path.windows;
  }
}

/**
 * `[IO.Path]::GetTempPath()`: the user's `%TEMP%` with its trailing backslash, which exists on a
 * real host (Windows creates it with the profile).
 */
function tempPath(ctx: DotNetContext): string {
  const dir = `C:\\Users\\${ctx.files?.user ?? 'user'}\\AppData\\Local\\Temp\\`;
  mkdirSync(mapWindowsPath(ctx.files, dir).host, { recursive: true });
  return dir;
}

/** A static member of `[IO.Directory]` (or `[IO.Path]::GetTempPath`); undefined when `type::name` is none of them. */
export function directoryMember(
  ctx: DotNetContext,
  type: string,
  name: string,
  args: readonly Value[] | undefined,
): Value | undefined {
  if (type === '[io.path]' && name === 'gettemppath' && args !== undefined) return tempPath(ctx);
  if (type !== '[io.directory]' || args === undefined) return undefined;
  const path = () => mapWindowsPath(ctx.files, toText(args[0] ?? null), ctx.cwd);
  switch (name) {
    case 'exists': {
      try {
        return statSync(path().host, { throwIfNoEntry: false })?.isDirectory() ?? false;
      } catch {
        return false;
      }
    }
    case 'createdirectory':
      return createDirectory(path());
    case 'getfiles':
    case 'getdirectories':
      return list(toText(args[0] ?? null), path(), args.slice(1), name === 'getfiles' ? 'file' : 'directory');
    default:
      return undefined;
  }
}

function createDirectory(path: MappedPath): DirectoryInfo {
  const existing = statSync(path.host, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) {
    throw new DotNetException(
      'IOException',
      `Cannot create "${path.windows}" because a file or directory with the same name already exists.`,
    );
  }
  try {
    mkdirSync(path.host, { recursive: true, mode: 0o777 });
  } catch (error) {
    throw fileException(error, path, 'directory');
  }
  return new DirectoryInfo(path);
}

function list(raw: string, path: MappedPath, rest: readonly Value[], kind: 'file' | 'directory'): ArrayValue {
  const pattern = rest.length > 0 ? toText(rest[0] ?? null) : '*';
  const option = rest.length > 1 ? toText(rest[1] ?? null).toLowerCase() : 'topdirectoryonly';
  if (pattern !== '*' && pattern !== '*.*') {
    throw new DotNetException(
      'NotSupportedException',
      `The orca WinRM test shim only lists with the pattern '*'.`,
    );
  }
  if (option !== 'topdirectoryonly' && option !== 'alldirectories') {
    throw new DotNetException(
      'PSInvalidCastException',
      `Cannot convert value "${toText(rest[1] ?? null)}" to type "System.IO.SearchOption".`,
    );
  }
  if (!statSync(path.host, { throwIfNoEntry: false })?.isDirectory()) {
    throw new DotNetException(
      'DirectoryNotFoundException',
      `Could not find a part of the path '${path.windows}'.`,
    );
  }
  const prefix = /[\\/]$/.test(raw) ? raw : `${raw}\\`;
  const out: string[] = [];
  const walk = (host: string, relative: string) => {
    const entries = readdirSync(host, { withFileTypes: true }).sort((a, b) => compare(a.name, b.name));
    const subdirectories: Dirent[] = [];
    for (const entry of entries) {
      const isDirectory = entry.isDirectory();
      if ((kind === 'file' && entry.isFile()) || (kind === 'directory' && isDirectory)) {
        out.push(prefix + relative + entry.name);
      }
      if (isDirectory) subdirectories.push(entry);
    }
    if (option !== 'alldirectories') return;
    for (const entry of subdirectories) walk(join(host, entry.name), `${relative}${entry.name}\\`);
  };
  walk(path.host, '');
  return new ArrayValue(out);
}

function compare(a: string, b: string): number {
  return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
}
