/**
 * Windows paths of the shim's file cmdlets and .NET members, mapped under the server's file root:
 * `C:\Temp\x.bin` is `<root>/C/Temp/x.bin` (drive letter upper-cased), `\\server\share\x` is
 * `<root>/UNC/server/share/x`, and a relative path starts in the given base directory (the
 * process's current directory), by default the user's profile `C:\Users\<user>`. `.` and `..` are resolved as Windows does (never above the drive root).
 * Names keep their case and compare case-sensitively, unlike NTFS.
 */
import { join, win32 } from 'node:path';
import { DotNetException } from './ps-values.ts';

export interface FileRoot {
  /** Directory on this machine standing for the Windows file system. */
  readonly root: string;
  /** User whose profile relative paths start in. */
  readonly user: string;
}

/** The full Windows form of a path (what .NET reports in messages) and its place on this machine. */
export interface MappedPath {
  readonly windows: string;
  readonly host: string;
}

export function mapWindowsPath(files: FileRoot | null, raw: string, base?: string): MappedPath {
  if (!files)
    throw new DotNetException('IOException', 'The orca WinRM test shim was started without a file root.');
  // `\\?\C:\…` and `\\?\UNC\server\…` only lift the length limit.
  const path = raw.replace(/^\\\\\?\\UNC\\/i, '\\\\').replace(/^\\\\\?\\/, '');
  if (path === '' || /[\0<>"|?*]/.test(path)) {
    throw new DotNetException('ArgumentException', 'Illegal characters in path.');
  }
  if (/^[A-Za-z]:(?![\\/])/.test(path)) {
    throw new DotNetException('NotSupportedException', "The given path's format is not supported.");
  }
  const windows = win32.resolve(base ?? `C:\\Users\\${files.user}`, path);
  const unc = /^\\\\([^\\]+)\\([^\\]+)(.*)$/.exec(windows);
  if (unc)
    return { windows, host: join(files.root, 'UNC', unc[1] ?? '', unc[2] ?? '', ...parts(unc[3] ?? '')) };
  const drive = /^([A-Za-z]):(.*)$/.exec(windows);
  if (!drive) throw new DotNetException('NotSupportedException', "The given path's format is not supported.");
  return { windows, host: join(files.root, (drive[1] ?? 'C').toUpperCase(), ...parts(drive[2] ?? '')) };
}

function parts(rest: string): string[] {
  return rest.split('\\').filter((p) => p !== '');
}

/** What .NET throws for a failed file system call, from the Node error. */
export function fileException(
  error: unknown,
  path: MappedPath,
  missing: 'file' | 'directory',
): DotNetException {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return missing === 'file'
        ? new DotNetException('FileNotFoundException', `Could not find file '${path.windows}'.`)
        : new DotNetException(
            'DirectoryNotFoundException',
            `Could not find a part of the path '${path.windows}'.`,
          );
    case 'ENOTDIR':
      return new DotNetException(
        'DirectoryNotFoundException',
        `Could not find a part of the path '${path.windows}'.`,
      );
    case 'EEXIST':
      return new DotNetException('IOException', `The file '${path.windows}' already exists.`);
    case 'EACCES':
    case 'EPERM':
    case 'EISDIR':
      return new DotNetException(
        'UnauthorizedAccessException',
        `Access to the path '${path.windows}' is denied.`,
      );
    default:
      return new DotNetException('IOException', (error as Error)?.message ?? String(error));
  }
}
