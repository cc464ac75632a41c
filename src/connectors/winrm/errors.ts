/** Maps every way a WinRM exchange fails to the failure kinds SSH uses, with a message that says what to do. */
import { ConnectorError, type ConnectTarget, FailureKind } from '../connector.ts';
import { endpointUrl, WinrmHttpError } from './http-errors.ts';
import { NtlmError } from './ntlm/index.ts';
import { WsmanFault, WsmanProtocolError } from './soap.ts';

/** WSManFault code for "Access is denied" (ERROR_ACCESS_DENIED). */
const ACCESS_DENIED = 5;

export function winrmError(error: unknown, target: ConnectTarget, doing: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const where = `${target.name}`;
  if (error instanceof WinrmHttpError) {
    const url = endpointUrl(error.endpoint);
    switch (error.failure) {
      case 'unreachable':
        return new ConnectorError(FailureKind.unreachable, `${where}: ${error.message} (${url})`);
      case 'auth':
        return new ConnectorError(
          FailureKind.auth,
          `${where}: ${error.message}; check the credential, the user name form (DOMAIN\\user, user@domain) and that the account may use WinRM`,
        );
      case 'timeout':
        return new ConnectorError(FailureKind.timeout, `${where}: ${doing}: ${error.message} (${url})`);
      case 'canceled':
        return new ConnectorError(FailureKind.canceled, `${where}: ${doing} was canceled`);
      case 'protocol':
      case 'closed':
        return new ConnectorError(FailureKind.protocol, `${where}: ${doing}: ${error.message} (${url})`);
    }
  }
  if (error instanceof WsmanFault) {
    const code = error.wsmanCode !== undefined ? ` ${error.wsmanCode}` : '';
    const text = error.detail || error.reason;
    const kind =
      error.wsmanCode === ACCESS_DENIED || error.subcode === 'AccessDenied'
        ? FailureKind.auth
        : FailureKind.protocol;
    return new ConnectorError(kind, `${where}: ${doing}: WinRM fault ${error.subcode}${code}: ${text}`);
  }
  if (error instanceof WsmanProtocolError) {
    return new ConnectorError(FailureKind.protocol, `${where}: ${doing}: ${error.message}`);
  }
  if (error instanceof NtlmError) {
    const kind = error.code === 'auth' ? FailureKind.auth : FailureKind.protocol;
    return new ConnectorError(kind, `${where}: ${doing}: NTLM: ${error.message}`);
  }
  return new ConnectorError(
    FailureKind.protocol,
    `${where}: ${doing}: ${(error as Error)?.message ?? String(error)}`,
  );
}
