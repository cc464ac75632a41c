/** Runs the CLI's client commands in this process against a fake API, capturing what they print. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { registerClientCommands } from '../../src/cli/index.ts';
import type { CliInput } from '../../src/cli/io.ts';
import type { LogEvent } from '../../src/http/schemas.ts';
import type { ServerMessage } from '../../src/http/stream-protocol.ts';
import { type FakeApi, type FakeApiOptions, startFakeApi } from './fake-api.ts';
export const RUN = '11111111-1111-4111-8111-111111111111';
export const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
export const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
export const CRED = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
export const HOST = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `orca <args>` in this process with captured output. */
export async function orca(
  args: string[],
  o: {
    env?: Record<string, string>;
    configDir?: string;
    stdin?: string;
    interrupt?: (fire: () => void) => void;
  } = {},
): Promise<Result> {
  const result: Result = { code: null, stdout: '', stderr: '' };
  // With a version, as src/main.ts: sub-commands' own --version options must win over it.
  const program = new Command('orca').version('0.0.0-test').exitOverride();
  const stdin = Readable.from(o.stdin === undefined ? [] : [Buffer.from(o.stdin)]) as unknown as CliInput;
  registerClientCommands(program, {
    stdout: (s) => {
      result.stdout += s;
    },
    stderr: (s) => {
      result.stderr += s;
    },
    env: o.env ?? {},
    configDir: o.configDir ?? join(tmpdir(), 'orca-cli-test-no-config'),
    exit: (code) => {
      result.code = code;
    },
    stdin,
    isTTY: false,
    hostname: 'laptop',
    onInterrupt: (handler) => {
      o.interrupt?.(handler);
      return () => {};
    },
  });
  try {
    await program.parseAsync(['node', 'orca', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
  }
  return result;
}

export async function withApi(
  t: { after(fn: () => unknown): void },
  options: FakeApiOptions,
): Promise<FakeApi> {
  const api = await startFakeApi(options);
  t.after(() => api.close());
  return api;
}

export const out = (
  executionId: string,
  seq: number,
  kind: LogEvent['kind'],
  data: string,
  /** The job step the event belongs to (null: an ad-hoc run). */
  step: number | null = null,
): ServerMessage => ({
  type: 'event',
  runId: RUN,
  event: { executionId, seq, kind, data, at: '2024-01-01T00:00:00.000Z', step },
});

export const HOSTS = [
  { id: A, name: 'web-1' },
  { id: B, name: 'web-10' },
];
export const FAILED = [
  { id: A, name: 'web-1', status: 'succeeded' as const, exitCode: 0 },
  {
    id: B,
    name: 'web-10',
    status: 'failed' as const,
    exitCode: null,
    failureKind: 'unreachable' as const,
    failureMessage: 'connection refused by 10.0.0.10:2222; check the address and port',
  },
];
