/**
 * What an inventory import found, before it touches the database: hosts with the settings orca
 * understands, the groups they form, and notes about everything it did not take (each with the
 * file and line it came from). Every source format produces this shape.
 */

export interface ImportedHost {
  readonly name: string;
  readonly address: string;
  readonly port?: number | undefined;
  readonly username?: string | undefined;
  readonly os?: 'linux' | 'windows' | undefined;
  readonly transport?: 'ssh' | 'winrm' | undefined;
  /** WinRM over HTTPS (5986) rather than HTTP with message encryption. */
  readonly winrmHttps?: boolean | undefined;
  /** The first ProxyJump hop, by host name (a host of the same import or one orca knows). */
  readonly jumpHost?: string | undefined;
  /** Key files named by the source; orca does not read keys from disk (assign a credential). */
  readonly identityFiles?: readonly string[] | undefined;
  /** Groups the host is directly in. */
  readonly groups: readonly string[];
  readonly tags: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /** `file:line` of the entry that defined the host. */
  readonly source: string;
}

export interface ImportedGroup {
  readonly name: string;
  readonly children: readonly string[];
  readonly source: string;
}

export interface ImportNote {
  readonly source: string;
  readonly message: string;
}

export interface ImportResult {
  readonly hosts: ImportedHost[];
  readonly groups: ImportedGroup[];
  /** Lines and settings orca did not take, and why. Never silently dropped. */
  readonly notes: ImportNote[];
}

/** The files of one import, by name (an uploaded file, or what the CLI read, Includes too). */
export type ImportFiles = ReadonlyMap<string, string>;

export class ImportError extends Error {
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
  }
}
