/** The file `orca login` writes, and which server and token a command uses. */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, usageError } from './io.ts';

export const DEFAULT_URL = 'http://localhost:8080';

/** `<configDir>/config.json`: the server and the API token created by `orca login`. */
export interface StoredConfig {
  readonly url: string;
  readonly token: string;
}

/** Where a command sends its requests, and with which token (null: none known). */
export interface Connection {
  readonly url: string;
  readonly token: string | null;
}

export const configPath = (configDir: string): string => join(configDir, 'config.json');

/** Accepts `http(s)://host[:port][/prefix]`; returns it without a trailing slash. */
export function normalizeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw usageError(`"${raw}" is not a URL; expected e.g. ${DEFAULT_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`"${raw}" must start with http:// or https://`);
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

export async function readConfig(configDir: string): Promise<StoredConfig | null> {
  const path = configPath(configDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${path} is not valid JSON; run \`orca login\` again or delete it`);
  }
  const c = parsed as Partial<Record<keyof StoredConfig, unknown>> | null;
  if (!c || typeof c.url !== 'string' || typeof c.token !== 'string') {
    throw new CliError(`${path} must hold {"url": "...", "token": "..."}; run \`orca login\` again`);
  }
  return { url: c.url, token: c.token };
}

/** Writes the file readable by its owner only (0600), in a directory only they can enter. */
export async function writeConfig(configDir: string, config: StoredConfig): Promise<string> {
  const path = configPath(configDir);
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  // Created 0600, so the token is never readable by others, not even for a moment.
  await writeFile(tmp, `${JSON.stringify({ url: config.url, token: config.token }, null, 2)}\n`, {
    mode: 0o600,
  });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  return path;
}

/** Deletes the file; false when there was none. */
export async function removeConfig(configDir: string): Promise<boolean> {
  const path = configPath(configDir);
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new CliError(`cannot remove ${path}: ${(error as Error).message}`);
  }
}

/**
 * Flags first, then ORCA_URL / ORCA_TOKEN, then the login file. The stored token goes only to
 * the server it was created for, so `--url elsewhere` never leaks it to another host.
 */
export function resolveConnection(
  flags: { url?: string | undefined; token?: string | undefined },
  env: Record<string, string | undefined>,
  stored: StoredConfig | null,
): Connection {
  const explicit = flags.url || env.ORCA_URL;
  const url = normalizeUrl(explicit || stored?.url || DEFAULT_URL);
  let token = flags.token || env.ORCA_TOKEN || null;
  if (!token && stored && normalizeUrl(stored.url) === url) token = stored.token;
  return { url, token };
}
