/**
 * Authentication as IIS/HTTP.sys does it for WinRM: Negotiate (NTLM inside) binds a security
 * context to the TCP connection; Basic authenticates each request on its own.
 */
import type { Socket } from 'node:net';
import { NtlmError, type NtlmSecurity, NtlmServer } from '../../../src/connectors/winrm/ntlm/index.ts';
import type { MutableStats } from './stats.ts';

export interface Account {
  readonly username: string;
  readonly password: string;
}

/** What the server knows about one keep-alive connection. */
export interface Connection {
  /** Position in stats.handshakesPerConnection. */
  readonly index: number;
  /** A NEGOTIATE was answered; the AUTHENTICATE must come on this connection. */
  pending?: NtlmServer;
  /** Set once NTLM authentication succeeded; bodies are sealed with it. */
  security?: NtlmSecurity;
  user?: string;
}

export type AuthOutcome =
  /** Answer 401 with this WWW-Authenticate token (`undefined`: the plain list of schemes). */
  | { readonly kind: 'challenge'; readonly token?: string }
  | { readonly kind: 'rejected'; readonly reason: string }
  | { readonly kind: 'basic'; readonly user: string }
  | {
      readonly kind: 'ntlm';
      readonly user: string;
      readonly security: NtlmSecurity;
      readonly fresh: boolean;
    };

export interface AuthConfig {
  readonly accounts: readonly Account[];
  readonly computerName: string;
  readonly negotiate: boolean;
  readonly basic: boolean;
}

export class Authenticator {
  readonly #connections = new WeakMap<Socket, Connection>();

  constructor(
    private readonly config: AuthConfig,
    private readonly stats: MutableStats,
  ) {}

  connection(socket: Socket): Connection {
    let c = this.#connections.get(socket);
    if (!c) {
      c = { index: this.stats.connections };
      this.stats.connections += 1;
      this.stats.handshakesPerConnection.push(0);
      this.#connections.set(socket, c);
    }
    return c;
  }

  /** WWW-Authenticate values of a 401, as a default Windows Server lists them. */
  schemes(): string[] {
    const out: string[] = [];
    if (this.config.negotiate) out.push('Negotiate', 'Kerberos');
    if (this.config.basic) out.push('Basic realm="WSMAN"');
    return out;
  }

  /** Decides about one request from its Authorization header and the connection's state. */
  authenticate(conn: Connection, header: string | undefined): AuthOutcome {
    if (header === undefined) {
      if (conn.security && conn.user)
        return { kind: 'ntlm', user: conn.user, security: conn.security, fresh: false };
      return { kind: 'challenge' };
    }
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const credentials = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme === 'basic' && this.config.basic) return this.#basic(credentials);
    if (scheme === 'negotiate' && this.config.negotiate) return this.#negotiate(conn, credentials);
    return { kind: 'rejected', reason: `${scheme} authentication is not enabled` };
  }

  #basic(credentials: string): AuthOutcome {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'rejected', reason: 'malformed Basic credentials' };
    const user = this.#localUser(decoded.slice(0, colon));
    const account = this.config.accounts.find((a) => user !== undefined && a.username.toLowerCase() === user);
    if (!account || account.password !== decoded.slice(colon + 1)) {
      return { kind: 'rejected', reason: 'wrong user name or password' };
    }
    return { kind: 'basic', user: account.username };
  }

  #negotiate(conn: Connection, credentials: string): AuthOutcome {
    const token = Buffer.from(credentials, 'base64');
    // Raw NTLMSSP inside Negotiate, as requests-ntlm and orca send it; SPNEGO/Kerberos are not offered.
    if (token.length < 12 || token.subarray(0, 8).toString('latin1') !== 'NTLMSSP\0') {
      return { kind: 'rejected', reason: 'not an NTLM token' };
    }
    const type = token.readUInt32LE(8);
    try {
      if (type === 1) {
        // A new handshake replaces any context the connection had.
        conn.security = undefined;
        conn.user = undefined;
        const server = new NtlmServer({
          lookup: (user, domain) => this.#lookup(user, domain),
          netbiosDomain: this.config.computerName,
          netbiosComputer: this.config.computerName,
          dnsDomain: this.config.computerName.toLowerCase(),
          dnsComputer: this.config.computerName.toLowerCase(),
        });
        conn.pending = server;
        return { kind: 'challenge', token: server.challenge(token).toString('base64') };
      }
      if (type === 3 && conn.pending) {
        const server = conn.pending;
        conn.pending = undefined;
        const result = server.accept(token);
        const account = this.config.accounts.find(
          (a) => a.username.toLowerCase() === (this.#localUser(result.user) ?? result.user).toLowerCase(),
        );
        conn.security = result.security;
        conn.user = account?.username ?? result.user;
        this.stats.handshakesPerConnection[conn.index] =
          (this.stats.handshakesPerConnection[conn.index] ?? 0) + 1;
        return { kind: 'ntlm', user: conn.user, security: result.security, fresh: true };
      }
      return { kind: 'rejected', reason: 'NTLM AUTHENTICATE without a CHALLENGE on this connection' };
    } catch (e) {
      if (e instanceof NtlmError) return { kind: 'rejected', reason: `NTLM ${e.code}: ${e.message}` };
      throw e;
    }
  }

  /** A local account: no domain, `.`, or this computer's name, as a workgroup server accepts. */
  #localUser(name: string): string | undefined {
    const [domain, user] = name.includes('\\') ? name.split('\\', 2) : ['', name];
    const at = (user ?? '').indexOf('@');
    const bare = at < 0 ? (user ?? '') : (user ?? '').slice(0, at);
    const realm = at < 0 ? (domain ?? '') : (user ?? '').slice(at + 1);
    return this.#isLocalDomain(realm) ? bare.toLowerCase() : undefined;
  }

  #isLocalDomain(domain: string): boolean {
    return domain === '' || domain === '.' || domain.toLowerCase() === this.config.computerName.toLowerCase();
  }

  #lookup(user: string, domain: string): string | undefined {
    if (!this.#isLocalDomain(domain)) return undefined;
    // A UPN (`user@realm`) travels with an empty domain field.
    const name = user.includes('@') ? this.#localUser(user) : user;
    if (name === undefined) return undefined;
    return this.config.accounts.find((a) => a.username.toLowerCase() === name.toLowerCase())?.password;
  }
}
