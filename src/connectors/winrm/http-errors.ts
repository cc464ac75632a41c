/** Where a WinRM listener is, and the failures of talking HTTP to it. */

/** A WinRM listener's URL parts and TLS trust; carries no secret. */
export interface HttpEndpoint {
  readonly host: string;
  readonly port: number;
  readonly https: boolean;
  /** Always `/wsman` on Windows. */
  readonly path: string;
  readonly caCert: string | null;
  readonly skipVerify: boolean;
}

export type HttpFailure = 'unreachable' | 'auth' | 'timeout' | 'protocol' | 'canceled' | 'closed';

export class WinrmHttpError extends Error {
  override readonly name = 'WinrmHttpError';
  constructor(
    readonly failure: HttpFailure,
    readonly endpoint: HttpEndpoint,
    message: string,
  ) {
    super(message);
  }

  get url(): string {
    return endpointUrl(this.endpoint);
  }

  /** Maps a socket or TLS error to what it means for the person who configured the host. */
  static from(error: unknown, endpoint: HttpEndpoint, signal?: AbortSignal): WinrmHttpError {
    if (error instanceof WinrmHttpError) return error;
    if (signal?.aborted) return new WinrmHttpError('canceled', endpoint, 'the request was canceled');
    const e = error as NodeJS.ErrnoException;
    const code = e.code ?? '';
    if (
      ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL'].includes(
        code,
      )
    ) {
      return new WinrmHttpError(
        'unreachable',
        endpoint,
        `cannot connect (${code}); check the address, port and firewall`,
      );
    }
    if (code === 'ETIMEDOUT') return new WinrmHttpError('timeout', endpoint, 'the connection timed out');
    if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
      return new WinrmHttpError(
        'protocol',
        endpoint,
        `the HTTPS certificate was not trusted (${code}); add the issuing CA to the host's caCert`,
      );
    }
    if (
      code === 'ECONNRESET' ||
      code === 'EPIPE' ||
      code === 'HPE_INVALID_CONSTANT' ||
      code.startsWith('HPE_')
    ) {
      return new WinrmHttpError(
        'protocol',
        endpoint,
        `the connection broke (${code || e.message}); is this a WinRM listener?`,
      );
    }
    return new WinrmHttpError('protocol', endpoint, e.message || String(error));
  }
}

export function endpointUrl(e: HttpEndpoint): string {
  const host = e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${e.https ? 'https' : 'http'}://${host}:${e.port}${e.path}`;
}
