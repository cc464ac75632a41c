/**
 * A WinRM listener for tests that behaves like a default-configured Windows Server: NTLM
 * (Negotiate) with message encryption over HTTP, AllowUnencrypted=false, Basic off, WinRS shells
 * on `…/windows/shell/cmd`. Commands run on this machine through a shim (shim/index.ts lists what
 * it understands). It is checked against pywinrm in test/winrm.pywinrm.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Account, Authenticator } from './auth.ts';
import { createHandler, type FaultOptions } from './http.ts';
import { mapWindowsPath } from './shim/winpath.ts';
import { newStats, type WinrmServerStats } from './stats.ts';
import { Winrs } from './winrs.ts';

export { type CertificatePaths, makeTestCertificates } from './certs.ts';
export type { CommandRecord, FaultRecord, WinrmServerStats } from './stats.ts';

export const DEFAULT_USER: Account = { username: 'testuser', password: 'Orca-Winrm-Test-Passw0rd!' };

export interface WinrmServerOptions {
  /** Local accounts (default: DEFAULT_USER). User names compare case-insensitively. */
  readonly users?: readonly Account[];
  /** NetBIOS name; `whoami` prints `<lower-case name>\<user>`. Default 'WINTEST'. */
  readonly computerName?: string;
  /** Offered schemes; default ['negotiate'] (Windows has Basic off by default). */
  readonly auth?: ReadonlyArray<'negotiate' | 'basic'>;
  /**
   * WinRM's AllowUnencrypted (default false): over HTTP, plaintext SOAP (Basic, or Negotiate
   * without sealing) is refused with 401. Over HTTPS plaintext is always fine.
   */
  readonly allowUnencrypted?: boolean;
  /** Serve HTTPS with this PEM certificate and key (see makeTestCertificates). */
  readonly tls?: { readonly cert: string; readonly key: string };
  /**
   * Bad responses for client error handling, applied to the FIRST Create (shell) response only;
   * the shell it describes is never created, so stats.openShells stays truthful. Precedence:
   * http500Fault (w:InternalError, HTTP 500), garbleSoap (not well-formed XML), truncateSoap
   * (first half of the envelope), corruptSignature (one flipped NTLM signature byte; NTLM-sealed only).
   */
  readonly faults?: FaultOptions;
  /** Answer this many Receive requests (server-wide) with w:TimedOut (HTTP 500) before serving output. */
  readonly timedOutReceives?: number;
  /** Longest a Receive waits for output before answering w:TimedOut (default 5000 ms, capped by OperationTimeout). */
  readonly receiveWaitCapMs?: number;
  /** Emit PowerShell's "Preparing modules for first use." progress records in CLIXML stderr (default false). */
  readonly powershellProgress?: boolean;
  /**
   * Directory standing for the host's disks (`C:\Temp\x` is `<fileRoot>/C/Temp/x`, see
   * shim/winpath.ts). Default: a new temporary directory, removed by close().
   */
  readonly fileRoot?: string;
  /** Address to listen on (default 127.0.0.1), e.g. one inside a network namespace. */
  readonly host?: string;
}

export interface WinrmTestServer {
  readonly port: number;
  /** `http(s)://HOST:PORT/wsman` */
  readonly url: string;
  readonly computerName: string;
  readonly users: readonly Account[];
  /** Live counters. */
  readonly stats: WinrmServerStats;
  /** Where PowerShell's file I/O lands on this machine. */
  readonly fileRoot: string;
  /** This machine's path of a Windows path on the host, e.g. `C:\Temp\x.bin`. */
  hostPath(windowsPath: string): string;
  /** Stops listening, drops connections and kills every process commands started. */
  close(): Promise<void>;
}

export async function startWinrmServer(options: WinrmServerOptions = {}): Promise<WinrmTestServer> {
  const computerName = options.computerName ?? 'WINTEST';
  const users = options.users ?? [DEFAULT_USER];
  const schemes = options.auth ?? ['negotiate'];
  const counters = newStats();
  const fileRoot = options.fileRoot ?? (await mkdtemp(join(tmpdir(), 'orca-winrm-files-')));
  const winrs = new Winrs(
    {
      computerName,
      shim: { progressRecords: options.powershellProgress ?? false, fileRoot },
      receiveWaitCapMs: options.receiveWaitCapMs ?? 5000,
      timedOutReceives: options.timedOutReceives ?? 0,
    },
    counters,
  );
  const auth = new Authenticator(
    {
      accounts: users,
      computerName,
      negotiate: schemes.includes('negotiate'),
      basic: schemes.includes('basic'),
    },
    counters,
  );
  const handler = createHandler(
    {
      computerName,
      allowUnencrypted: options.allowUnencrypted ?? false,
      tls: options.tls !== undefined,
      faults: options.faults ?? {},
    },
    auth,
    winrs,
    counters,
  );
  const onRequest: Parameters<typeof createHttpServer>[1] = (req, res) => {
    handler(req, res).catch((e: unknown) => {
      console.error('WinRM test server failed a request:', e);
      if (!res.headersSent) res.writeHead(500, { 'Content-Length': 0 });
      res.end();
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : createHttpServer(onRequest);
  // HTTP.sys keeps idle connections for 2 minutes; NTLM contexts live as long as the connection.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const stats: WinrmServerStats = Object.defineProperties(counters, {
    openShells: { get: () => winrs.openShells, enumerable: true },
    runningProcesses: { get: () => winrs.runningProcesses, enumerable: true },
  }) as MutableWithComputed;

  return {
    port,
    url: `${options.tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}/wsman`,
    computerName,
    users,
    stats,
    fileRoot,
    hostPath: (windowsPath) =>
      mapWindowsPath({ root: fileRoot, user: users[0]?.username ?? 'user' }, windowsPath).host,
    async close() {
      winrs.closeAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      // Killed process groups are reaped asynchronously; wait until none is left.
      for (let i = 0; i < 100 && winrs.runningProcesses > 0; i += 1)
        await new Promise((r) => setTimeout(r, 20));
      if (options.fileRoot === undefined) await rm(fileRoot, { recursive: true, force: true });
    },
  };
}

type MutableWithComputed = ReturnType<typeof newStats> & WinrmServerStats;
