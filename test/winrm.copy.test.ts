/**
 * WinrmSession.put against the WinRM test server (NTLM with message encryption): the copy runs as
 * PowerShell in the shim, whose file I/O lands under the server's file root, so these tests read
 * the very file the host wrote.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConnectorError, type Session } from '../src/connectors/connector.ts';
import { startWinrmServer, type WinrmTestServer } from './support/winrm-server/index.ts';
import { openWinrmTestSession } from './support/winrm-session.ts';

let server: WinrmTestServer;
let session: Session;
let scratch: string;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'orca-winrm-copy-'));
  server = await startWinrmServer();
  session = await openWinrmTestSession(server, 'powershell');
});
after(async () => {
  await session.close();
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

function localFile(name: string, data: Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, data);
  return path;
}

/** The directory on this machine that holds `windowsPath` on the host, created. */
function hostDir(windowsPath: string): string {
  const dir = dirname(server.hostPath(windowsPath));
  mkdirSync(dir, { recursive: true });
  return dir;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function put(local: string, remote: string, options?: Parameters<NonNullable<Session['put']>>[2]) {
  assert.ok(session.put, 'WinRM sessions can copy files');
  return session.put(local, remote, options);
}

test('a multi-MB file arrives byte-identical, verified by SHA-256, with progress after each chunk', async () => {
  const data = randomBytes(5 * 1024 * 1024 + 12345);
  const dir = hostDir('C:\\Temp\\big.bin');
  const progress: number[] = [];
  const result = await put(localFile('big.bin', data), 'C:\\Temp\\big.bin', {
    onProgress: (n) => progress.push(n),
  });
  assert.deepEqual(result, { bytes: data.length, sha256: sha256(data) });
  assert.ok(readFileSync(server.hostPath('C:\\Temp\\big.bin')).equals(data), 'the host has the same bytes');
  assert.ok(progress.length >= 30, `progress after each chunk (${progress.length} reports)`);
  assert.deepEqual(
    progress,
    [...progress].sort((a, b) => a - b),
  );
  assert.equal(progress.at(-1), data.length);
  assert.deepEqual(readdirSync(dir), ['big.bin'], 'no temporary file is left');
  assert.equal(server.stats.openShells, 0);
});

test('an empty file is copied, and a copy replaces an existing file', async () => {
  hostDir('C:\\Temp\\empty.bin');
  writeFileSync(server.hostPath('C:\\Temp\\empty.bin'), 'old content');
  const result = await put(localFile('empty.bin', Buffer.alloc(0)), 'C:\\Temp\\empty.bin');
  assert.deepEqual(result, { bytes: 0, sha256: sha256(Buffer.alloc(0)) });
  assert.equal(readFileSync(server.hostPath('C:\\Temp\\empty.bin')).length, 0);
  assert.equal(server.stats.openShells, 0);
});

test("a path with spaces, ' and typographic quotes is quoted safely", async () => {
  const remote = "C:\\Users\\Public\\my dir\\it's ‘quoted’ $env:x.txt";
  hostDir(remote);
  const data = Buffer.from('quoted path\r\n');
  const result = await put(localFile('quoted.txt', data), remote);
  assert.equal(result.sha256, sha256(data));
  assert.deepEqual(readFileSync(server.hostPath(remote)), data);
  assert.equal(server.stats.openShells, 0);
});

test('a target in a missing directory fails with the PowerShell message and leaves no file', async () => {
  const data = randomBytes(400 * 1024);
  const error = await put(localFile('nowhere.bin', data), 'C:\\Missing\\dir\\x.bin').then(
    () => assert.fail('the copy should fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.kind, 'nonzero-exit');
  assert.match(error.message, /^win-1: copying to C:\\Missing\\dir\\x\.bin failed: Exception calling "Open"/);
  assert.match(
    error.message,
    /Could not find a part of the path 'C:\\Missing\\dir\\x\.bin\.orca-[0-9a-f]{8}\.tmp'/,
  );
  assert.doesNotMatch(error.message, /sha256|damaged/);
  assert.deepEqual(readdirSync(server.fileRoot), ['C']);
  assert.deepEqual(readdirSync(join(server.fileRoot, 'C')).sort(), ['Temp', 'Users']);
  assert.equal(server.stats.openShells, 0);
});

test('cancel mid-copy terminates the command, removes the partial file and fails as canceled', async () => {
  const data = randomBytes(4 * 1024 * 1024);
  const dir = hostDir('C:\\Temp\\cancel\\x.bin');
  const controller = new AbortController();
  const terminated = server.stats.signals.terminate ?? 0;
  let reports = 0;
  const error = await put(localFile('cancel.bin', data), 'C:\\Temp\\cancel\\x.bin', {
    signal: controller.signal,
    onProgress: () => {
      reports += 1;
      if (reports === 3) controller.abort();
    },
  }).then(
    () => assert.fail('the copy should be canceled'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.kind, 'canceled');
  assert.match(
    error.message,
    /^copying to C:\\Temp\\cancel\\x\.bin on win-1 was canceled; the partial file was removed$/,
  );
  assert.equal(reports, 3, 'no chunk is sent after the cancel');
  assert.equal(server.stats.signals.terminate, terminated + 1, 'the copy command was terminated');
  assert.deepEqual(readdirSync(dir), [], 'neither the target nor a temporary file exists');
  assert.equal(server.stats.openShells, 0);
});

test('a timeout stops the copy the same way and fails as timeout', async () => {
  const data = randomBytes(24 * 1024 * 1024);
  const dir = hostDir('C:\\Temp\\slow\\x.bin');
  const error = await put(localFile('slow.bin', data), 'C:\\Temp\\slow\\x.bin', { timeoutMs: 300 }).then(
    () => assert.fail('the copy should time out'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.kind, 'timeout');
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(server.stats.openShells, 0);
});

test('a local file that cannot be read fails before any shell is opened', async () => {
  const created = server.stats.shellsCreated;
  await assert.rejects(put(join(scratch, 'absent.bin'), 'C:\\Temp\\absent.bin'), (e: unknown) => {
    assert.ok(e instanceof ConnectorError);
    assert.match(e.message, /^cannot read .*absent\.bin to copy it to win-1: ENOENT/);
    return true;
  });
  assert.equal(server.stats.shellsCreated, created);
});
