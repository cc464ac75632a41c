/** A WinRM session to the test server as its default user, for connector-level tests. */
import type { ConnectTarget, Session } from '../../src/connectors/connector.ts';
import { createWinrmConnector } from '../../src/connectors/winrm/index.ts';
import type { Shell } from '../../src/domain/host-settings.ts';
import { DEFAULT_USER, type WinrmTestServer } from './winrm-server/index.ts';

export function openWinrmTestSession(
  server: WinrmTestServer,
  shell: Extract<Shell, 'powershell' | 'cmd'>,
  connector = createWinrmConnector({ receiveTimeoutS: 2 }),
): Promise<Session> {
  const target: ConnectTarget = {
    hostId: 'win-1',
    name: 'win-1',
    address: '127.0.0.1',
    port: server.port,
    username: DEFAULT_USER.username,
    knownHostKey: null,
    os: 'windows',
    shell,
    winrm: { https: false, auth: 'negotiate', allowUnencrypted: false, caCert: null, skipVerify: false },
  };
  return connector.open(
    target,
    { kind: 'password', password: DEFAULT_USER.password },
    { connectTimeoutMs: 5000 },
  );
}
