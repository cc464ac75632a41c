/** Counters tests assert on ("every shell was deleted", "terminate was signalled"). */

export type AuthKind = 'negotiate' | 'basic';

export interface FaultRecord {
  /** Short action name of the request (`receive`, `create` …), or `unknown` when unreadable. */
  readonly action: string;
  /** e.g. `w:TimedOut`, `w:InvalidSelectors`, or `injected:garbleSoap` for fault injections. */
  readonly subcode: string;
  /** WSManFault Code, 0 for injections that are not SOAP faults. */
  readonly code: number;
  readonly status: number;
}

export interface CommandRecord {
  readonly shellId: string;
  readonly commandId: string;
  /** Command and arguments joined by spaces, as WinRS hands them to cmd.exe. */
  readonly commandLine: string;
}

export interface WinrmServerStats {
  readonly shellsCreated: number;
  readonly shellsDeleted: number;
  /** Shells created and not yet deleted. */
  readonly openShells: number;
  readonly commandsStarted: number;
  readonly commands: readonly CommandRecord[];
  /** Signals received, by the last segment of the code URI: `terminate`, `ctrl_c`, `ctrl_break`. */
  readonly signals: Readonly<Record<string, number>>;
  /** Process groups started by commands that still have a live process. */
  readonly runningProcesses: number;
  readonly receives: number;
  /** TCP (or TLS) connections accepted. */
  readonly connections: number;
  /** Completed NTLM handshakes on each connection, in the order connections were accepted. */
  readonly handshakesPerConnection: readonly number[];
  /** Requests that carried valid credentials or arrived on an authenticated connection, by kind. */
  readonly requestsByAuth: Readonly<Record<AuthKind, number>>;
  /** HTTP 401 responses sent (challenges included). */
  readonly unauthorized: number;
  /** Requests refused for arriving unencrypted where encryption is required. */
  readonly unencryptedRefused: number;
  readonly faults: readonly FaultRecord[];
}

/** The writable counters behind WinrmServerStats; computed fields come from the server. */
export interface MutableStats {
  shellsCreated: number;
  shellsDeleted: number;
  commandsStarted: number;
  commands: CommandRecord[];
  signals: Record<string, number>;
  receives: number;
  connections: number;
  handshakesPerConnection: number[];
  requestsByAuth: Record<AuthKind, number>;
  unauthorized: number;
  unencryptedRefused: number;
  faults: FaultRecord[];
}

export function newStats(): MutableStats {
  return {
    shellsCreated: 0,
    shellsDeleted: 0,
    commandsStarted: 0,
    commands: [],
    signals: {},
    receives: 0,
    connections: 0,
    handshakesPerConnection: [],
    requestsByAuth: { negotiate: 0, basic: 0 },
    unauthorized: 0,
    unencryptedRefused: 0,
    faults: [],
  };
}
