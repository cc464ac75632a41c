/**
 * What each shimmed Windows process (cmd.exe, powershell.exe) has of its own: an environment,
 * whose names compare case-insensitively as on Windows, and a current directory (a Windows path,
 * mapped as winpath.ts says). A process it starts gets copies; its changes never reach its parent.
 */
import { statSync } from 'node:fs';
import type { CommandIO } from './io.ts';
import { DotNetException } from './ps-values.ts';
import { type FileRoot, type MappedPath, mapWindowsPath } from './winpath.ts';

/** The key `name` is stored under, whatever its case. */
export function envKey(env: Readonly<Record<string, string>>, name: string): string | undefined {
  if (Object.hasOwn(env, name)) return name;
  return Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
}

export function getEnv(env: Readonly<Record<string, string>>, name: string): string | null {
  const key = envKey(env, name);
  return key === undefined ? null : (env[key] ?? null);
}

/** Sets a variable, keeping the case of an existing name; an empty value removes it (Windows holds none). */
export function setEnv(env: Record<string, string>, name: string, value: string | null): void {
  const key = envKey(env, name);
  if (key !== undefined) delete env[key];
  if (value !== null && value !== '') env[key ?? name] = value;
}

/** Where a process starts unless told otherwise: the user's profile, as WinRS and OpenSSH start it. */
export function startDirectory(io: CommandIO): string {
  return io.cwd ?? `C:\\Users\\${io.identity.split('\\').pop() ?? 'user'}`;
}

/** The directory `raw` names (relative to `base`) when it exists on this machine; null otherwise. */
export function existingDirectory(files: FileRoot | null, base: string, raw: string): MappedPath | null {
  let mapped: MappedPath;
  try {
    mapped = mapWindowsPath(files, raw, base);
  } catch (e) {
    if (e instanceof DotNetException) return null;
    throw e;
  }
  return statSync(mapped.host, { throwIfNoEntry: false })?.isDirectory() ? mapped : null;
}

/**
 * The directory on this machine a child started in `windowsDir` runs in; undefined (the shim's
 * own) when it does not exist here, as the default profile directory usually does not.
 */
export function hostDirectory(files: FileRoot | null, windowsDir: string): string | undefined {
  return existingDirectory(files, windowsDir, windowsDir)?.host;
}
