/**
 * SFTP put and get against real sshd: the test sshd logs in as a local user of this machine, so
 * these tests look at the very files the host wrote, in a scratch directory both can reach.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { GetOptions, PutOptions, Session } from '../src/connectors/connector.ts';
import { fx, open, rejection, setUpSshServers, withSession } from './support/ssh-client.ts';

setUpSshServers();

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A fresh directory the sshd user can write, and a local source file in another one. */
function dirs(name: string) {
  const remote = join(fx.scratch, `${name}-remote`);
  const local = join(fx.scratch, `${name}-local`);
  mkdirSync(remote, { mode: 0o777 });
  chmodSync(remote, 0o777);
  mkdirSync(local, { mode: 0o755 });
  return { remote, local };
}

function source(dir: string, name: string, data: Buffer, mode = 0o644): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  chmodSync(path, mode);
  return path;
}

function put(s: Session, local: string, remote: string, options?: PutOptions) {
  assert.ok(s.put, 'SSH sessions copy files');
  return s.put(local, remote, options);
}

async function get(s: Session, remote: string, options: Partial<GetOptions> = {}) {
  assert.ok(s.get, 'SSH sessions read files');
  const chunks: Buffer[] = [];
  const result = await s.get(remote, { onData: (c) => void chunks.push(Buffer.from(c)), ...options });
  return { ...result, data: Buffer.concat(chunks) };
}

test('a multi-MB file arrives byte-identical with its mode, verified by SHA-256, with progress', async () => {
  const d = dirs('big');
  const data = randomBytes(24 * 1024 * 1024 + 4321);
  const local = source(d.local, 'big.bin', data, 0o750);
  const progress: number[] = [];
  const target = join(d.remote, 'big.bin');
  await withSession(async (s) => {
    const started = performance.now();
    const result = await put(s, local, target, { onProgress: (n) => progress.push(n) });
    const ms = performance.now() - started;
    assert.deepEqual(result, { bytes: data.length, sha256: sha256(data) });
    // Loopback: a copy round trip per 32 KiB chunk would take far longer than a pipelined copy.
    console.log(
      `put ${data.length} bytes in ${ms.toFixed(0)} ms (${(data.length / 1024 / 1024 / (ms / 1000)).toFixed(0)} MiB/s)`,
    );
  });
  assert.ok(readFileSync(target).equals(data), 'the host has the same bytes');
  assert.equal(statSync(target).mode & 0o777, 0o750, 'the source mode is kept');
  assert.ok(progress.length > 10, `progress is reported as writes are confirmed (${progress.length})`);
  assert.deepEqual(
    progress,
    [...progress].sort((a, b) => a - b),
  );
  assert.equal(progress.at(-1), data.length);
  assert.deepEqual(readdirSync(d.remote), ['big.bin'], 'no temporary file is left');
});

test('a put replaces an existing file, an empty file is copied, and odd names are safe', async () => {
  const d = dirs('overwrite');
  const target = join(d.remote, 'config.txt');
  writeFileSync(target, 'old content that is longer than the new one\n');
  chmodSync(target, 0o666);
  const odd = join(d.remote, `it's a "quoted" ‘dir’ $(id) ü`);
  mkdirSync(odd, { mode: 0o777 });
  chmodSync(odd, 0o777);
  await withSession(async (s) => {
    const fresh = Buffer.from('new\n');
    assert.deepEqual(await put(s, source(d.local, 'config.txt', fresh, 0o600), target), {
      bytes: fresh.length,
      sha256: sha256(fresh),
    });
    assert.deepEqual(readFileSync(target), fresh);
    assert.equal(statSync(target).mode & 0o777, 0o600);
    const empty = await put(s, source(d.local, 'empty', Buffer.alloc(0)), join(d.remote, 'empty'));
    assert.deepEqual(empty, { bytes: 0, sha256: sha256(Buffer.alloc(0)) });
    const oddFile = join(odd, 'fi le `x` \\n.txt');
    await put(s, source(d.local, 'odd', Buffer.from('odd\n')), oddFile);
    assert.equal(readFileSync(oddFile, 'utf8'), 'odd\n');
    assert.equal((await get(s, oddFile)).data.toString(), 'odd\n');
  });
  assert.deepEqual(readdirSync(d.remote).sort(), ['config.txt', 'empty', `it's a "quoted" ‘dir’ $(id) ü`]);
});

test('a target in a missing directory fails as protocol, naming the directory', async () => {
  const d = dirs('missing');
  const local = source(d.local, 'x.bin', randomBytes(1000));
  const missing = join(d.remote, 'no', 'such');
  await withSession(async (s) => {
    const error = await rejection(put(s, local, join(missing, 'x.bin')), 'protocol');
    assert.equal(
      error.message,
      `web-1: cannot copy to ${missing}/x.bin: the directory ${missing} does not exist on the host; create it first`,
    );
    const unreadable = await rejection(put(s, join(d.local, 'nope'), join(d.remote, 'x')), 'protocol');
    assert.match(unreadable.message, /^cannot read .*nope to copy it to web-1: ENOENT/);
  });
  assert.deepEqual(readdirSync(d.remote), []);
});

test('cancel mid-copy fails as canceled, removes the partial file and leaves the old target', async () => {
  const d = dirs('cancel');
  const target = join(d.remote, 'x.bin');
  writeFileSync(target, 'the old version\n');
  const local = source(d.local, 'x.bin', randomBytes(32 * 1024 * 1024));
  const controller = new AbortController();
  let reports = 0;
  await withSession(async (s) => {
    const error = await rejection(
      put(s, local, target, {
        signal: controller.signal,
        onProgress: () => {
          reports += 1;
          if (reports === 2) controller.abort();
        },
      }),
      'canceled',
    );
    assert.equal(error.message, `copying to ${target} on web-1 was canceled; the partial file was removed`);
    assert.deepEqual(readdirSync(d.remote), ['x.bin'], 'no temporary file is left');
    assert.equal(readFileSync(target, 'utf8'), 'the old version\n');
    // The session goes on working.
    assert.equal((await put(s, source(d.local, 'small', Buffer.from('ok')), target)).bytes, 2);
  });
  assert.equal(reports, 2, 'no progress is reported after the cancel');
  const early = new AbortController();
  early.abort();
  await withSession(async (s) => {
    await rejection(put(s, local, target, { signal: early.signal }), 'canceled');
  });
});

test('a copy past its timeout fails as timeout and removes the partial file', async () => {
  const d = dirs('timeout');
  const local = source(d.local, 'x.bin', randomBytes(16 * 1024 * 1024));
  await withSession(async (s) => {
    let first = true;
    const error = await rejection(
      put(s, local, join(d.remote, 'x.bin'), {
        timeoutMs: 50,
        onProgress: () => {
          if (!first) return;
          first = false;
          // Holds the copy until the deadline has passed, so it stops in the middle.
          const until = Date.now() + 150;
          while (Date.now() < until) {}
        },
      }),
      'timeout',
    );
    assert.equal(
      error.message,
      `copying to ${join(d.remote, 'x.bin')} on web-1 took longer than its 50ms timeout and was stopped; the partial file was removed`,
    );
  });
  assert.deepEqual(readdirSync(d.remote), []);
});

test('concurrent copies share the session and each arrives whole', async () => {
  const d = dirs('parallel');
  const files = Array.from({ length: 8 }, (_, i) => ({ name: `f${i}`, data: randomBytes(300_000 + i) }));
  await withSession(async (s) => {
    const results = await Promise.all(
      files.map((f) => put(s, source(d.local, f.name, f.data), join(d.remote, f.name))),
    );
    assert.deepEqual(
      results.map((r) => r.sha256),
      files.map((f) => sha256(f.data)),
    );
  });
  for (const f of files) assert.ok(readFileSync(join(d.remote, f.name)).equals(f.data));
  assert.equal(readdirSync(d.remote).length, files.length);
});

test('get streams binary data in order under back-pressure and reports the host hash', async () => {
  const d = dirs('get');
  const data = randomBytes(9 * 1024 * 1024 + 17);
  const remote = source(d.remote, 'data.bin', data);
  await withSession(async (s) => {
    let calls = 0;
    const result = await get(s, remote, {
      onData: async () => {
        calls += 1;
        if (calls % 5 === 0) await delay(5);
      },
    }).catch((e: unknown) => assert.fail(String(e)));
    assert.equal(result.bytes, data.length);
    assert.equal(result.sha256, sha256(data));
    const plain = await get(s, remote);
    assert.ok(plain.data.equals(data), 'the bytes delivered are the file');
    const empty = await get(s, source(d.remote, 'empty', Buffer.alloc(0)));
    assert.deepEqual(empty, { bytes: 0, sha256: sha256(Buffer.alloc(0)), data: Buffer.alloc(0) });
  });
});

test('get fails as protocol for a missing file, a directory and a file over maxBytes', async () => {
  const d = dirs('get-errors');
  const remote = source(d.remote, 'k.bin', randomBytes(1000));
  await withSession(async (s) => {
    const missing = join(d.remote, 'nope.txt');
    const error = await rejection(get(s, missing), 'protocol');
    assert.equal(error.message, `no such file on web-1: ${missing}`);
    const dir = await rejection(get(s, d.remote), 'protocol');
    assert.equal(dir.message, `${d.remote} on web-1 is not a regular file`);
    let delivered = 0;
    const big = await rejection(
      get(s, remote, {
        maxBytes: 999,
        onData: (c) => {
          delivered += c.length;
        },
      }),
      'protocol',
    );
    assert.equal(big.message, `${remote} on web-1 is larger than the limit of 999 bytes (1000 bytes)`);
    assert.equal(delivered, 0, 'nothing is delivered of a file over the limit');
    assert.equal((await get(s, remote, { maxBytes: 1000 })).bytes, 1000);
  });
});

test('get stops on cancel and on a consumer error, and the session goes on', async () => {
  const d = dirs('get-stop');
  const remote = source(d.remote, 'x.bin', randomBytes(8 * 1024 * 1024));
  await withSession(async (s) => {
    const controller = new AbortController();
    const error = await rejection(
      get(s, remote, { signal: controller.signal, onData: () => controller.abort() }),
      'canceled',
    );
    assert.equal(error.message, `copying ${remote} from web-1 was canceled`);
    await assert.rejects(
      get(s, remote, {
        onData: () => {
          throw new Error('disk full');
        },
      }),
      /disk full/,
    );
    assert.equal((await get(s, remote)).bytes, 8 * 1024 * 1024);
  });
});

test('closing the session stops a running put and removes its temporary file', async () => {
  const d = dirs('close');
  const local = source(d.local, 'x.bin', randomBytes(32 * 1024 * 1024));
  const s = await open();
  let closing: Promise<void> | null = null;
  const copy = put(s, local, join(d.remote, 'x.bin'), {
    onProgress: () => {
      closing ??= s.close();
    },
  });
  const error = await rejection(copy, 'protocol');
  assert.match(
    error.message,
    /^the session was closed while copying to .* on web-1; the partial file was removed$/,
  );
  await closing;
  assert.deepEqual(readdirSync(d.remote), []);
});
