/**
 * Shared set-up of the SSH connector tests: two real sshd processes (one that refuses SSH signal
 * requests), a scratch directory the test user can write, and small helpers.
 */
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import {
  ConnectorError,
  type ConnectTarget,
  type FailureKind,
  type OutputStream,
  type Secret,
  type Session,
} from '../../src/connectors/connector.ts';
import { createSshConnector } from '../../src/connectors/ssh/index.ts';
import { type SshdHandle, startSshd } from './sshd.ts';

export const connector = createSshConnector({ killTimeoutMs: 3000 });

export interface SshFixture {
  sshd: SshdHandle;
  /** Refuses SSH signal requests (see SshdOptions.forceCommand): only orca's own kill works there. */
  forced: SshdHandle;
  /** A directory the test user can enter, for cwd tests and for files a killed command must not write. */
  scratch: string;
}

export const fx = {} as SshFixture;

/** Starts the servers before the file's tests and stops them after; `cleanup` runs first. */
export function setUpSshServers(cleanup: () => Promise<void> = async () => {}): void {
  before(async () => {
    [fx.sshd, fx.forced] = await Promise.all([startSshd(), startSshd({ forceCommand: true })]);
    fx.scratch = await mkdtemp(join(tmpdir(), 'orca-ssh-test-'));
    await chmod(fx.scratch, 0o777);
  });
  after(async () => {
    await cleanup();
    await Promise.all([fx.sshd?.stop(), fx.forced?.stop()]);
    if (fx.scratch) await rm(fx.scratch, { recursive: true, force: true });
  });
}

export function target(overrides: Partial<ConnectTarget> = {}): ConnectTarget {
  return {
    hostId: 'host-1',
    name: 'web-1',
    address: '127.0.0.1',
    port: fx.sshd.port,
    username: fx.sshd.user,
    knownHostKey: null,
    os: 'linux',
    shell: 'sh',
    winrm: null,
    ...overrides,
  };
}

export function password(value = fx.sshd.password): Secret {
  return { kind: 'password', password: value };
}

export function open(
  t: ConnectTarget = target(),
  secret: Secret = password(),
  connectTimeoutMs = 5000,
  signal?: AbortSignal,
) {
  return connector.open(t, secret, { connectTimeoutMs, signal });
}

export async function withSession<T>(
  fn: (s: Session) => Promise<T>,
  t?: ConnectTarget,
  secret?: Secret,
): Promise<T> {
  const session = await open(t, secret);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

/** Runs a command and collects its output as text. */
export async function runText(
  session: Session,
  command: string,
  options: { env?: Record<string, string>; cwd?: string; secretEnv?: Record<string, string> } = {},
) {
  const out = { stdout: '', stderr: '' };
  const result = await session.exec(command, {
    ...options,
    onOutput: (stream: OutputStream, chunk: Buffer) => {
      out[stream] += chunk.toString('utf8');
    },
  });
  return { ...result, ...out };
}

export async function rejection(promise: Promise<unknown>, kind: FailureKind): Promise<ConnectorError> {
  const error = await promise.then(
    () => assert.fail(`expected a ${kind} failure`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConnectorError, `expected a ConnectorError, got ${String(error)}`);
  assert.equal(error.kind, kind, error.message);
  return error;
}
