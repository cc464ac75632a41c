/**
 * WinrmSession.get against the WinRM test server (NTLM with message encryption): the read runs as
 * PowerShell in the shim, which reads the file under the server's file root, so these tests write
 * the very file the host reads.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ConnectorError,
  type FailureKind,
  type GetOptions,
  type Session,
} from '../src/connectors/connector.ts';
import { startWinrmServer, type WinrmTestServer } from './support/winrm-server/index.ts';
import { openWinrmTestSession } from './support/winrm-session.ts';

let server: WinrmTestServer;
let session: Session;

before(async () => {
  server = await startWinrmServer();
  // The read script is PowerShell even where commands run in cmd.
  session = await openWinrmTestSession(server, 'cmd');
});
after(async () => {
  await session.close();
  await server.close();
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** Writes `data` where the host sees `windowsPath`. */
function hostFile(windowsPath: string, data: Buffer): void {
  const path = server.hostPath(windowsPath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

async function get(remote: string, options: Partial<GetOptions> = {}) {
  assert.ok(session.get, 'WinRM sessions read files');
  const chunks: Buffer[] = [];
  const result = await session.get(remote, { onData: (c) => void chunks.push(Buffer.from(c)), ...options });
  return { ...result, data: Buffer.concat(chunks) };
}

async function rejection(promise: Promise<unknown>, kind: FailureKind): Promise<ConnectorError> {
  const error = await promise.then(
    () => assert.fail(`expected a ${kind} failure`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConnectorError, `expected a ConnectorError, got ${String(error)}`);
  assert.equal(error.kind, kind, error.message);
  return error;
}

test('a multi-MB binary file arrives whole under back-pressure, checked against the host hash', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 777);
  hostFile('C:\\Data\\big.bin', data);
  const chunks: Buffer[] = [];
  const result = await get('C:\\Data\\big.bin', {
    onData: async (chunk) => {
      chunks.push(Buffer.from(chunk));
      if (chunks.length % 4 === 0) await delay(5);
    },
  });
  assert.equal(result.bytes, data.length);
  assert.equal(result.sha256, sha256(data));
  assert.ok(chunks.length >= 20, `the file arrives in chunks as it is read (${chunks.length})`);
  assert.ok(Buffer.concat(chunks).equals(data), 'the bytes delivered are the file');
  assert.equal(server.stats.openShells, 0);
  assert.equal(server.stats.runningProcesses, 0);
});

test('an empty file, and a path with spaces, quotes and unicode', async () => {
  hostFile('C:\\Data\\empty.txt', Buffer.alloc(0));
  assert.deepEqual(await get('C:\\Data\\empty.txt'), {
    bytes: 0,
    sha256: sha256(Buffer.alloc(0)),
    data: Buffer.alloc(0),
  });
  const odd = "C:\\Users\\Public\\my dir\\it's ‘quoted’ $env:x ü.txt";
  hostFile(odd, Buffer.from('odd\r\n'));
  assert.equal((await get(odd)).data.toString(), 'odd\r\n');
});

test('a missing file, a directory and a file over maxBytes fail as protocol', async () => {
  const missing = await rejection(get('C:\\Data\\nope.bin'), 'protocol');
  assert.equal(missing.message, 'no such file on win-1: C:\\Data\\nope.bin');
  hostFile('C:\\Data\\dir\\inside.txt', Buffer.from('x'));
  const dir = await rejection(get('C:\\Data\\dir'), 'protocol');
  assert.equal(dir.message, 'C:\\Data\\dir on win-1 is not a regular file');
  hostFile('C:\\Data\\k.bin', randomBytes(1000));
  let delivered = 0;
  const big = await rejection(
    get('C:\\Data\\k.bin', {
      maxBytes: 999,
      onData: (c) => {
        delivered += c.length;
      },
    }),
    'protocol',
  );
  assert.equal(big.message, 'C:\\Data\\k.bin on win-1 is larger than the limit of 999 bytes (1000 bytes)');
  assert.equal(delivered, 0, 'nothing is delivered of a file over the limit');
  assert.equal((await get('C:\\Data\\k.bin', { maxBytes: 1000 })).bytes, 1000);
  assert.equal(server.stats.openShells, 0);
});

test('cancel and timeout stop the read and terminate the command; a consumer error passes as is', async () => {
  hostFile('C:\\Data\\stop.bin', randomBytes(8 * 1024 * 1024));
  const controller = new AbortController();
  const terminated = server.stats.signals.terminate ?? 0;
  const canceled = await rejection(
    get('C:\\Data\\stop.bin', { signal: controller.signal, onData: () => controller.abort() }),
    'canceled',
  );
  assert.equal(canceled.message, 'copying C:\\Data\\stop.bin from win-1 was canceled');
  assert.equal(server.stats.signals.terminate, terminated + 1, 'the read command was terminated');
  const timedOut = await rejection(
    get('C:\\Data\\stop.bin', { timeoutMs: 300, onData: () => delay(100) }),
    'timeout',
  );
  assert.equal(
    timedOut.message,
    'copying C:\\Data\\stop.bin from win-1 took longer than its 300 ms timeout and was stopped',
  );
  const failure = new Error('disk full');
  await assert.rejects(
    get('C:\\Data\\stop.bin', {
      onData: () => {
        throw failure;
      },
    }),
    (e: unknown) => e === failure,
  );
  assert.equal(server.stats.openShells, 0);
  for (let i = 0; i < 50 && server.stats.runningProcesses > 0; i++) await delay(20);
  assert.equal(server.stats.runningProcesses, 0);
});
