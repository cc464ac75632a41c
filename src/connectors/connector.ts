/**
 * The one interface between the execution engine and a remote protocol.
 * Implementations: ssh/ (ssh2 + SFTP), winrm/ (our own WS-Management client), local/.
 */

import type { Os, Shell, WinrmSettings } from '../domain/host-settings.ts';

/** Why a contact with a host failed; each kind says whose fault it is and what to do. */
export const FailureKind = {
  /** TCP connect refused, DNS failure, network unreachable: check address, port, firewall. */
  unreachable: 'unreachable',
  /** The host rejected the credential: fix the credential or the user name. */
  auth: 'auth',
  /** The host presented a key other than the recorded one: verify, then accept the new key. */
  hostKey: 'host-key',
  /** Connect, handshake or command exceeded its time limit. */
  timeout: 'timeout',
  /** The command ran and exited with a non-zero code. */
  nonzeroExit: 'nonzero-exit',
  /** The run was canceled by a person; the remote process was killed. */
  canceled: 'canceled',
  /** The peer spoke something unexpected (not SSH, broken channel, malformed reply). */
  protocol: 'protocol',
  /** The worker that ran this execution died or lost its lease. */
  lost: 'lost',
} as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];
export const FAILURE_KINDS: readonly FailureKind[] = Object.values(FailureKind);

/** A failure of a remote operation, with its kind and a message that says what to do. */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** Extra facts for the engine, never secret (e.g. the presented host key on a mismatch). */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** A bastion's failure, its name in front and its host id (for host-key bookkeeping) in details. */
export function atBastion(hop: Pick<ConnectTarget, 'name' | 'hostId'>, error: unknown): unknown {
  if (!(error instanceof ConnectorError)) return error;
  return new ConnectorError(error.kind, `bastion ${hop.name}: ${error.message}`, {
    ...error.details,
    hostId: error.details.hostId ?? hop.hostId,
  });
}

/** A public host key, as recorded on first contact. */
export interface HostKey {
  /** Key algorithm as the server names it, e.g. `ssh-ed25519`. */
  readonly algorithm: string;
  /** OpenSSH-style fingerprint: `SHA256:` + unpadded base64 of the SHA-256 of the key blob. */
  readonly fingerprint: string;
}

/** Where and as whom to connect. Carries no secret. */
export interface ConnectTarget {
  readonly hostId: string;
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly username: string;
  /** The recorded host key; null on first contact (trust on first use). */
  readonly knownHostKey: HostKey | null;
  readonly os: Os;
  /** What commands run in: `sh`, or PowerShell / cmd on Windows. */
  readonly shell: Shell;
  /** WinRM options; set when the host is reached over WinRM. */
  readonly winrm: WinrmSettings | null;
}

/** Decrypted secret material; lives only in worker memory for the duration of a contact. */
export type Secret =
  | { readonly kind: 'password'; readonly password: string }
  | { readonly kind: 'ssh-key'; readonly privateKey: string; readonly passphrase?: string | undefined }
  /** The worker's SSH agent signs; `socket` is its path on the worker (null: the worker has none). */
  | { readonly kind: 'ssh-agent'; readonly socket: string | null; readonly forward: boolean };

/** A bastion (jump host) a connection goes through, with its own credential. */
export interface JumpHop {
  readonly target: ConnectTarget;
  readonly secret: Secret;
}

export interface OpenOptions {
  readonly connectTimeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Bastions to go through, nearest to the worker first (SSH only). */
  readonly via?: readonly JumpHop[] | undefined;
}

export type OutputStream = 'stdout' | 'stderr';

export interface ExecOptions {
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly cwd?: string | undefined;
  /** Kill the remote command and fail with `timeout` after this long. */
  readonly timeoutMs?: number | undefined;
  /** Aborting kills the remote command and fails with `canceled`. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Called for every chunk of output, in order. A returned promise applies back-pressure:
   * no further chunk is delivered (and the remote stream is paused) until it settles.
   */
  readonly onOutput: (stream: OutputStream, chunk: Buffer) => void | Promise<void>;
  /**
   * A line (a sudo password, say) the command can read as `$ORCA_STDIN_LINE`: sent on the
   * channel, never in the command text, so no process list on the host shows it. POSIX hosts.
   */
  readonly stdinLine?: string | undefined;
  /**
   * Variables with secret values, set in the command's environment but never written into any
   * command text: POSIX over SSH, sent on the channel after `stdinLine` and exported by the
   * wrapper; WinRM, the shell's `rsp:Environment` (one shell per command); PowerShell over
   * OpenSSH, set by the script PowerShell reads on stdin; local, the child's environment.
   * cmd over OpenSSH cannot take them (its only input is the command line) and refuses.
   */
  readonly secretEnv?: Readonly<Record<string, string>> | undefined;
}

/** The shell variable a command finds `ExecOptions.stdinLine` in. */
export const STDIN_LINE_VAR = 'ORCA_STDIN_LINE';

export interface ExecResult {
  /** The command's exit code; null when it ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
}

export interface PutOptions {
  /** Abort the copy and fail with `timeout` after this long. */
  readonly timeoutMs?: number | undefined;
  /** Aborting stops the copy and fails with `canceled`; a partial file is removed. */
  readonly signal?: AbortSignal | undefined;
  /** Called as bytes are confirmed written on the host. */
  readonly onProgress?: ((bytesWritten: number) => void) | undefined;
}

export interface PutResult {
  readonly bytes: number;
  /** Hex SHA-256 of the file as the host computed it after writing; equal to the source's. */
  readonly sha256: string;
}

export interface GetOptions {
  /** Abort the copy and fail with `timeout` after this long. */
  readonly timeoutMs?: number | undefined;
  /** Aborting stops the copy and fails with `canceled`. */
  readonly signal?: AbortSignal | undefined;
  /** Receives the file's bytes in order; a returned promise applies back-pressure. */
  readonly onData: (chunk: Buffer) => void | Promise<void>;
  /** Fail (kind `protocol`, message naming the limit) when the file is larger. */
  readonly maxBytes?: number | undefined;
}

export interface GetResult {
  readonly bytes: number;
  /** Hex SHA-256 computed on the host, equal to that of the bytes delivered. */
  readonly sha256: string;
}

export interface Session {
  /** The key the host presented during this session's handshake. */
  readonly hostKey: HostKey | null;
  /** The keys the bastions presented, nearest to the worker first (SSH through bastions). */
  readonly hopHostKeys?: readonly { readonly hostId: string; readonly hostKey: HostKey }[];
  /**
   * Run a command. Resolves with the exit status (non-zero is not an error here);
   * rejects with a ConnectorError of kind `timeout`, `canceled` or `protocol`.
   */
  exec(command: string, options: ExecOptions): Promise<ExecResult>;
  /**
   * Copy a local file to `remotePath` on the host, replacing it, and verify its checksum there.
   * The bytes go to a temporary file beside the target, which replaces the target only once its
   * hash matches; a failed or stopped copy leaves the target as it was. Rejects with a
   * ConnectorError (`protocol` when the checksum differs or the directory is missing, `timeout`,
   * `canceled`). SSH copies with SFTP, WinRM through PowerShell.
   */
  put?(localPath: string, remotePath: string, options?: PutOptions): Promise<PutResult>;
  /**
   * Read `remotePath` from the host, streaming its bytes to `onData`, and verify them against the
   * SHA-256 the host computes. Rejects with a ConnectorError (`protocol` for a missing file, a file
   * over `maxBytes` or a checksum that differs, `timeout`, `canceled`); bytes already delivered
   * must then be discarded by the caller.
   */
  get?(remotePath: string, options: GetOptions): Promise<GetResult>;
  /** True while the underlying connection can take more work. */
  readonly alive: boolean;
  close(): Promise<void>;
}

export interface Connector {
  /**
   * Connect and authenticate. Rejects with a ConnectorError of kind `unreachable`, `auth`,
   * `host-key`, `timeout` or `protocol`.
   */
  open(target: ConnectTarget, secret: Secret, options: OpenOptions): Promise<Session>;
}
