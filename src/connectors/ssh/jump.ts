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
export function forward(
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

/** Ends bastion connections, the one nearest to the target first. */
export function closeBastions(opened: readonly Connection[]): void {
  for (const c of [...opened].reverse()) c.client.end();
}

/** The keys the bastions presented, nearest to the worker first. */
export function bastionKeys(hops: readonly JumpHop[], opened: readonly Connection[]): Connection['hops'] {
  return opened.map((c, i) => ({ hostId: hops[i]?.target.hostId ?? '', hostKey: c.hostKey }));
}

/** SSH connections to each bastion in turn, each over a channel the one before forwarded. */
export async function openBastions(
  hops: readonly JumpHop[],
  options: OpenOptions,
  settings: ConnectSettings,
): Promise<Connection[]> {
  const opened: Connection[] = [];
  try {
    let over: { stream: Duplex; tcp: Connection['tcp'] } | undefined;
    for (const [i, hop] of hops.entries()) {
      const c = await connect(hop.target, hop.secret, options, settings, over).catch((e: unknown) => {
        throw atBastion(hop.target, e);
      });
      opened.push(c);
      const next = hops[i + 1]?.target;
      if (next) over = { stream: await forward(c.client, hop.target, next, options), tcp: c.tcp };
    }
    return opened;
  } catch (error) {
    closeBastions(opened);
    throw error;
  }
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
  const opened = await openBastions(hops, options, settings);
  try {
    const last = opened[opened.length - 1] as Connection;
    const lastHop = hops[hops.length - 1] as JumpHop;
    const stream = await forward(last.client, lastHop.target, target, options);
    const final = await connect(target, secret, options, settings, { stream, tcp: last.tcp });
    // The bastions' connections live exactly as long as the target's.
    final.client.once('close', () => closeBastions(opened));
    return { ...final, hops: bastionKeys(hops, opened) };
  } catch (error) {
    closeBastions(opened);
    throw error;
  }
}
