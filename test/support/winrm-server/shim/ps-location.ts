/**
 * PowerShell's current location: `Set-Location`/`cd`/`sl`/`chdir`, `Get-Location`/`gl`/`pwd` and
 * the PathInfo objects behind `$PWD`. As in PowerShell it is not the process's current directory
 * (`[Environment]::CurrentDirectory`, which .NET members resolve against): native commands start
 * in it and cmdlets resolve against it; Set-Location leaves the process's directory alone.
 */
import { win32 } from 'node:path';
import { errorRecord } from './clixml.ts';
import type { PsRun } from './ps-eval.ts';
import { HostObject, toText, type Value } from './ps-values.ts';
import { existingDirectory } from './winprocess.ts';

/** System.Management.Automation.PathInfo of the FileSystem provider. */
export class PathInfo extends HostObject {
  readonly typeName = 'System.Management.Automation.PathInfo';
  constructor(readonly path: string) {
    super();
  }
  property(name: string): Value {
    switch (name.toLowerCase()) {
      case 'path':
      case 'providerpath':
        return this.path;
      case 'drive':
        return /^[A-Za-z]:/.test(this.path) ? this.path.slice(0, 1).toUpperCase() : null;
      case 'provider':
        return 'Microsoft.PowerShell.Core\\FileSystem';
      default:
        return null;
    }
  }
  method(name: string): Value | undefined {
    return name.toLowerCase() === 'tostring' ? this.path : undefined;
  }
  /** Its ToString(), what `"$PWD"` shows; PowerShell's console would print a Path table instead. */
  override toText(): string {
    return this.path;
  }
}

/**
 * `Set-Location [-Path|-LiteralPath] p [-PassThru]`, relative to the current location. -Path
 * wildcards are not expanded. A missing directory is the non-terminating error PowerShell 5.1
 * writes (SetLocationCommand reports ItemNotFoundException with WriteError, so `try` does not
 * catch it without -ErrorAction Stop; from memory of its source, unverified): `$?` is false.
 * Without a path it stays (5.1; later versions go home).
 */
export function setLocation(run: PsRun, args: readonly Value[]): boolean {
  let raw: string | null = null;
  let passThru = false;
  for (let i = 0; i < args.length; i += 1) {
    const a = toText(args[i] ?? null);
    const lower = a.toLowerCase();
    if (lower === '-passthru') passThru = true;
    else if (lower === '-path' || lower === '-literalpath') raw = toText(args[++i] ?? null);
    else if (lower === '-erroraction') i += 1;
    else raw = a;
  }
  if (raw !== null && raw !== '') {
    const path = /^[A-Za-z]:$/.test(raw) ? `${raw}\\` : raw;
    const target = existingDirectory(run.dotnet.files, run.location, path);
    if (!target) {
      const shown = win32.resolve(run.location, path);
      return run.cmdletError(
        errorRecord(
          `Set-Location : Cannot find path '${shown}' because it does not exist.`,
          run.at,
          `ObjectNotFound: (${shown}:String) [Set-Location], ItemNotFoundException`,
          'PathNotFound,Microsoft.PowerShell.Commands.SetLocationCommand',
        ),
        args,
      );
    }
    run.location = target.windows;
  }
  if (passThru) run.emit(new PathInfo(run.location));
  return true;
}

export function getLocation(run: PsRun): boolean {
  run.emit(new PathInfo(run.location));
  return true;
}
