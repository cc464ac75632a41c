/**
 * Connections through bastions (ProxyJump): each hop is an SSH connection of its own, with its
 * own credential and host-key check, and forwards a channel to the next; the target's SSH runs
 * over the last channel. A failure names the hop it happened at.
 */
import type { Duplex } from 'node:stream';
import type { Client as Ssh2Client } from 'ssh2';
import {
  atBastion,
  ConnectorError,
  type ConnectTarget,
  FailureKind,
  type JumpHop,
  type OpenOptions,
  type Secret,
} from '../connector.ts';
import { type Connection, type ConnectSettings, connect } from './connect.ts';
import { endpoint, formatDuration, openCanceled, type TransportError } from './errors.ts';

/** Asks a bastion to open a TCP channel to the next host, bounded by the connect timeout. */
function forward(
  client: Ssh2Client,
  hop: ConnectTarget,
  next: ConnectTarget,
  options: OpenOptions,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new ConnectorError(
          FailureKind.timeout,
          `bastion ${hop.name}: reaching ${next.name} at ${endpoint(next)} timed out after ${formatDuration(options.connectTimeoutMs)}`,
        ),
      );
    }, options.connectTimeoutMs);
    const onAbort = () => {
      clearTimeout(timer);
      reject(openCanceled(next));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.forwardOut(
      '127.0.0.1',
      0,
      next.address,
      next.port,
      (error: TransportError | undefined, stream) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) {
          reject(
            new ConnectorError(
              FailureKind.unreachable,
              `bastion ${hop.name}: could not reach ${next.name} at ${endpoint(next)}: ${error.message}; ` +
                `check that ${hop.name} can reach that address and that its sshd allows TCP forwarding`,
            ),
          );
        } else resolve(stream);
      },
    );
  });
}

/** Connects to `target`, through `options.via` when it names bastions. */
export async function connectThrough(
  target: ConnectTarget,
  secret: Secret,
  options: OpenOptions,
  settings: ConnectSettings,
): Promise<Connection> {
  const hops: readonly JumpHop[] = options.via ?? [];
  if (hops.length === 0) return connect(target, secret, options, settings);
  const opened: Connection[] = [];
  const closeAll = () => {
    for (const c of [...opened].reverse()) c.client.end();
  };
  try {
    let over: { stream: Duplex; tcp: Connection['tcp'] } | undefined;
    for (const [i, hop] of hops.entries()) {
      const c = await connect(hop.target, hop.secret, options, settings, over).catch((e: unknown) => {
        throw atBastion(hop.target, e);
      });
      opened.push(c);
      const next = hops[i + 1]?.target ?? target;
      over = { stream: await forward(c.client, hop.target, next, options), tcp: c.tcp };
    }
    const last = await connect(target, secret, options, settings, over);
    // The bastions' connections live exactly as long as the target's.
    last.client.once('close', closeAll);
    return { ...last, hops: opened.map((c, i) => ({ hostId: hops[i]!.target.hostId, hostKey: c.hostKey })) };
  } catch (error) {
    closeAll();
    throw error;
  }
}
