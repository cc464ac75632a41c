/**
 * The WinRM connector: WS-Management / WinRS over HTTP with NTLMv2 message encryption (what a
 * default Windows Server accepts on 5985), or over HTTPS with certificate verification; Basic
 * where the host allows it. Commands run in PowerShell unless the host's shell is cmd.
 */
import {
  type Connector,
  ConnectorError,
  type ConnectTarget,
  FailureKind,
  type GetOptions,
  type GetResult,
  type OpenOptions,
  type PutOptions,
  type PutResult,
  type Secret,
  type Session,
} from '../connector.ts';
import { bastionKeys, closeBastions, forward, openBastions } from '../ssh/jump.ts';
import { WsmanClient } from './client.ts';
import { type CommandSettings, runCommand } from './command.ts';
import { copyFile } from './copy.ts';
import { winrmError } from './errors.ts';
import { readFile } from './get.ts';
import { parseUserName } from './ntlm/index.ts';
import { DEFAULT_MAX_ENVELOPE_SIZE } from './soap.ts';
import * as winrs from './winrs.ts';

export interface WinrmConnectorOptions {
  /** Seconds a Receive may wait on the host for output (WS-Man OperationTimeout, ≤ 60). */
  readonly receiveTimeoutS?: number;
  /** Concurrent HTTP connections per host (each with its own NTLM context). */
  readonly maxConnections?: number;
}

/** SSH keepalive of the bastion connections, as the SSH connector's defaults. */
const SSH_SETTINGS = { keepaliveIntervalMs: 15_000, keepaliveCountMax: 3 };

/** The bastions a session goes through: their keys, whether their connection was lost, and closing them. */
interface BastionLink {
  readonly hops: NonNullable<Session['hopHostKeys']>;
  readonly lost: boolean;
  close(): void;
}

export function createWinrmConnector(options: WinrmConnectorOptions = {}): Connector {
  const settings: CommandSettings = { receiveTimeoutS: options.receiveTimeoutS ?? 20, cleanupTimeoutS: 10 };
  const maxConnections = options.maxConnections ?? 10;
  return {
    async open(target: ConnectTarget, secret: Secret, openOptions: OpenOptions): Promise<Session> {
      const winrm = target.winrm;
      if (!winrm) throw new ConnectorError(FailureKind.protocol, `${target.name} has no WinRM settings`);
      if (secret.kind !== 'password') {
        throw new ConnectorError(
          FailureKind.auth,
          `${target.name}: WinRM needs a password credential, not an SSH key; assign one in Hosts → ${target.name}`,
        );
      }
      const { username, domain } = parseUserName(target.username);
      const via = openOptions.via ?? [];
      // Through bastions: SSH to each in turn; every HTTP connection is a channel the last forwards.
      const bastions = via.length > 0 ? await openBastions(via, openOptions, SSH_SETTINGS) : [];
      const last = bastions[bastions.length - 1];
      const lastHop = via[via.length - 1];
      const tunnel =
        last && lastHop
          ? () =>
              forward(last.client, lastHop.target, target, { connectTimeoutMs: openOptions.connectTimeoutMs })
          : undefined;
      const client = new WsmanClient({
        endpoint: {
          host: target.address,
          port: target.port,
          https: winrm.https,
          path: '/wsman',
          caCert: winrm.caCert,
          skipVerify: winrm.skipVerify,
        },
        auth: {
          kind: winrm.auth,
          username,
          domain,
          password: secret.password,
          allowUnencrypted: winrm.allowUnencrypted,
        },
        maxConnections,
        // What Windows' own clients and pywinrm ask for; every host's MaxEnvelopeSizekb allows it.
        maxEnvelopeSize: DEFAULT_MAX_ENVELOPE_SIZE,
        locale: 'en-US',
        tunnel,
      });
      const bastion = { hops: bastionKeys(via, bastions), close: () => closeBastions(bastions), lost: false };
      last?.client.once('close', () => {
        bastion.lost = true;
      });
      try {
        await probe(client, openOptions);
      } catch (error) {
        client.close();
        bastion.close();
        if (openOptions.signal?.aborted) {
          throw new ConnectorError(FailureKind.canceled, `connecting to ${target.name} was canceled`);
        }
        throw winrmError(error, target, 'connecting');
      }
      return new WinrmSession(client, target, settings, bastion);
    },
  };
}

/**
 * Authenticates and proves the account may open shells: creates one and deletes it, within the
 * connect timeout.
 */
async function probe(client: WsmanClient, options: OpenOptions): Promise<void> {
  const timeout = AbortSignal.timeout(options.connectTimeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const operationTimeoutS = Math.max(1, Math.min(60, Math.ceil(options.connectTimeoutMs / 1000)));
  try {
    const created = await client.call(winrs.createShellRequest(), { operationTimeoutS, signal });
    const shellId = winrs.parseShellId(created.body);
    await client.call(winrs.deleteShellRequest({ shellId }), { operationTimeoutS, signal });
  } catch (error) {
    if (timeout.aborted && !options.signal?.aborted) {
      throw new ConnectorError(FailureKind.timeout, `no WinRM answer within ${options.connectTimeoutMs} ms`);
    }
    throw error;
  }
}

export class WinrmSession implements Session {
  /** WinRM has no host key; HTTPS certificates are verified instead. */
  readonly hostKey = null;
  readonly hopHostKeys: BastionLink['hops'];
  private closed = false;

  constructor(
    private readonly client: WsmanClient,
    private readonly target: ConnectTarget,
    private readonly settings: CommandSettings,
    private readonly bastion: BastionLink = { hops: [], lost: false, close() {} },
  ) {
    this.hopHostKeys = bastion.hops;
  }

  get alive(): boolean {
    return !this.closed && !this.bastion.lost;
  }

  exec(command: string, options: Parameters<Session['exec']>[1]) {
    if (this.closed) {
      return Promise.reject(
        new ConnectorError(FailureKind.protocol, `the session to ${this.target.name} is closed`),
      );
    }
    return runCommand(this.client, this.target, command, options, this.settings);
  }

  /** Copies through PowerShell on the host, verified by SHA-256 (copy.ts). */
  put(localPath: string, remotePath: string, options: PutOptions = {}): Promise<PutResult> {
    if (this.closed) {
      return Promise.reject(
        new ConnectorError(FailureKind.protocol, `the session to ${this.target.name} is closed`),
      );
    }
    return copyFile(this.client, this.target, localPath, remotePath, options, this.settings);
  }

  /** Streams a file from the host through PowerShell, verified by SHA-256 (get.ts). */
  get(remotePath: string, options: GetOptions): Promise<GetResult> {
    if (this.closed) {
      return Promise.reject(
        new ConnectorError(FailureKind.protocol, `the session to ${this.target.name} is closed`),
      );
    }
    return readFile(this.client, this.target, remotePath, options, this.settings);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.close();
    this.bastion.close();
  }
}

/** The connector with default settings. */
export const winrmConnector: Connector = createWinrmConnector();
