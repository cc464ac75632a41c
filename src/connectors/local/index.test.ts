import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConnectorError, type ExecOptions, type FailureKind, type Session } from '../connector.ts';
import { execLocal } from './exec.ts';
import { createLocalConnector, openLocalSession } from './index.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orca-local-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(
  command: string,
  o: Omit<ExecOptions, 'onOutput'> = {},
  session: Session = openLocalSession(),
) {
  const out = { stdout: '', stderr: '' };
  const result = await session.exec(command, {
    ...o,
    onOutput: (stream, chunk) => {
      out[stream] += chunk.toString('utf8');
    },
  });
  return { ...result, ...out };
}

const failsWith = (kind: FailureKind, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof ConnectorError, `a ConnectorError, not ${String(e)}`);
  assert.equal(e.kind, kind, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

/** Whether the process still runs; a zombie waiting for init to reap it counts as dead. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function readPid(file: string): Promise<number> {
  for (let i = 0; i < 250; i++) {
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (pid > 0) return pid;
    await sleep(20);
  }
  throw new Error(`no pid in ${file}`);
}

async function assertDies(pid: number): Promise<void> {
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(20);
  assert.ok(!alive(pid), `process ${pid} is gone`);
}

test('stdout, stderr, exit codes, env and cwd reach the caller', async () => {
  const r = await run('echo out; echo err >&2; pwd; echo "$GREETING"; exit 4', {
    env: { GREETING: 'hi there' },
    cwd: dir,
  });
  assert.deepEqual(
    { exitCode: r.exitCode, signal: r.signal, stdout: r.stdout, stderr: r.stderr },
    { exitCode: 4, signal: null, stdout: `out\n${dir}\nhi there\n`, stderr: 'err\n' },
  );
  assert.equal((await run('true')).exitCode, 0);
});

test('a command ended by a signal reports the signal, not an exit code', async () => {
  const r = await run('kill -TERM $$');
  assert.deepEqual([r.exitCode, r.signal], [null, 'SIGTERM']);
});

test('stdin is closed', async () => {
  assert.equal((await run('cat; echo done')).stdout, 'done\n');
});

test("the worker's environment does not reach the command", async () => {
  process.env.ORCA_SECRET_PROBE = 'do-not-leak';
  try {
    const connector = createLocalConnector({ baseEnv: { FROM_BASE: 'base', SHARED: 'base' } });
    const session = await connector.open(
      {
        hostId: 'local',
        name: 'the worker',
        address: 'localhost',
        port: 1,
        username: '',
        knownHostKey: null,
        os: 'linux',
        shell: 'sh',
        winrm: null,
      },
      { kind: 'password', password: '' },
      { connectTimeoutMs: 1000 },
    );
    assert.equal(session.hostKey, null);
    const r = await run('env', { env: { SHARED: 'step' } }, session);
    const vars = new Map(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const),
    );
    assert.equal(vars.get('ORCA_SECRET_PROBE'), undefined);
    assert.equal(vars.get('DATABASE_URL'), undefined);
    assert.equal(vars.get('FROM_BASE'), 'base');
    assert.equal(vars.get('SHARED'), 'step');
    assert.equal(vars.get('PATH'), process.env.PATH);
    const allowed = [
      'PATH',
      'HOME',
      'USER',
      'LOGNAME',
      'LANG',
      'LC_ALL',
      'TMPDIR',
      'TZ',
      'FROM_BASE',
      'SHARED',
    ];
    const shellOwn = ['PWD', 'OLDPWD', 'SHLVL', '_'];
    assert.deepEqual(
      [...vars.keys()].filter((k) => !allowed.includes(k) && !shellOwn.includes(k)),
      [],
    );
  } finally {
    delete process.env.ORCA_SECRET_PROBE;
  }
});

test('a missing working directory is refused before anything runs', async () => {
  const marker = join(dir, 'ran');
  await assert.rejects(run(`touch ${marker}`, { cwd: join(dir, 'nope') }), failsWith('protocol', /nope/));
  await writeFile(join(dir, 'a-file'), '');
  await assert.rejects(run(`touch ${marker}`, { cwd: join(dir, 'a-file') }), failsWith('protocol', /a-file/));
  await assert.rejects(stat(marker));
});

test('a command that cannot be started fails with protocol', async () => {
  await assert.rejects(run('true', { env: { BAD: 'nul\0byte' } }), failsWith('protocol', /could not start/));
  await assert.rejects(run('true', { env: { 'NOT-A-NAME': 'x' } }), failsWith('protocol', /NOT-A-NAME/));
  const noShell = execLocal(
    'true',
    { onOutput: () => {} },
    { shell: join(dir, 'no-such-shell'), env: {}, track: () => () => {} },
  );
  await assert.rejects(noShell, failsWith('protocol', /could not start the command.*ENOENT/));
});

for (const how of ['timeout', 'cancel'] as const) {
  const kind = how === 'timeout' ? 'timeout' : 'canceled';
  for (const [shape, command] of [
    ['background children', (f: string) => `sleep 30 & echo $! > ${f}; wait`],
    ['pipelines', (f: string) => `sh -c 'echo $$ > ${f}; exec sleep 30' | cat`],
  ] as const) {
    test(`${how} kills the whole process group: ${shape}`, async () => {
      const pidFile = join(dir, `${how}-${shape.replace(' ', '-')}.pid`);
      const controller = new AbortController();
      const started = Date.now();
      const result = run(
        command(pidFile),
        how === 'timeout' ? { timeoutMs: 500 } : { signal: controller.signal },
      );
      const pid = await readPid(pidFile);
      assert.ok(alive(pid));
      if (how === 'cancel') controller.abort();
      await assert.rejects(result, failsWith(kind, how === 'timeout' ? /500 ms/ : /canceled/));
      assert.ok(Date.now() - started < 1900, 'no need to wait for the SIGKILL when SIGTERM works');
      await assertDies(pid);
    });
  }
}

test('a process group that ignores SIGTERM is killed with SIGKILL after the grace', async () => {
  const pidFile = join(dir, 'stubborn.pid');
  const result = run(`trap '' TERM; sleep 30 & echo $! > ${pidFile}; wait; wait`, { timeoutMs: 300 });
  const pid = await readPid(pidFile);
  await assert.rejects(result, failsWith('timeout', /300 ms/));
  await assertDies(pid);
});

test('an already aborted signal runs nothing', async () => {
  const marker = join(dir, 'aborted-ran');
  await assert.rejects(run(`touch ${marker}`, { signal: AbortSignal.abort() }), failsWith('canceled'));
  await assert.rejects(stat(marker));
});

test('closing the session kills its running commands and refuses new ones', async () => {
  const session = openLocalSession();
  const pidFile = join(dir, 'close.pid');
  const result = run(`sleep 30 & echo $! > ${pidFile}; wait`, {}, session);
  const pid = await readPid(pidFile);
  assert.equal(session.alive, true);
  await session.close();
  assert.equal(session.alive, false);
  await assert.rejects(result, failsWith('protocol', /closed/));
  await assertDies(pid);
  await assert.rejects(run('true', {}, session), failsWith('protocol', /closed/));
});

test('a slow consumer of a few MB gets everything, in order, one chunk at a time', async () => {
  const chunks: Array<[string, string]> = [];
  let inFlight = 0;
  let overlapped = false;
  const r = await openLocalSession().exec('seq 1 400000; seq 1 100000 >&2; seq 400001 500000', {
    onOutput: async (stream, chunk) => {
      if (inFlight > 0) overlapped = true;
      inFlight++;
      chunks.push([stream, chunk.toString('latin1')]);
      await sleep(chunks.length % 10 === 0 ? 5 : 0);
      inFlight--;
    },
  });
  assert.equal(r.exitCode, 0);
  assert.equal(overlapped, false, 'onOutput is never called while its promise is pending');
  const text = (s: string) =>
    chunks
      .filter(([stream]) => stream === s)
      .map(([, c]) => c)
      .join('');
  const stdout = text('stdout').trimEnd().split('\n');
  assert.equal(stdout.length, 500000);
  assert.ok(stdout.every((l, i) => Number(l) === i + 1));
  const stderr = text('stderr').trimEnd().split('\n');
  assert.equal(stderr.length, 100000);
  assert.ok(stderr.every((l, i) => Number(l) === i + 1));
});

test('an output consumer that fails stops the command with protocol', async () => {
  const pidFile = join(dir, 'consumer.pid');
  const result = openLocalSession().exec(`sleep 30 & echo $! > ${pidFile}; echo hello; wait`, {
    onOutput: () => {
      throw new Error('the database is gone');
    },
  });
  await assert.rejects(result, failsWith('protocol', /database is gone/));
  await assertDies(await readPid(pidFile));
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('put copies a file beside its target, checks its SHA-256 and replaces the target', async () => {
  const content = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
  const src = join(dir, 'src.bin');
  const dst = join(dir, 'dst.bin');
  await writeFile(src, content);
  await chmod(src, 0o750);
  await writeFile(dst, 'old');
  const progress: number[] = [];
  const session = openLocalSession();
  const put = await session.put(src, dst, { onProgress: (n) => progress.push(n) });
  assert.deepEqual(put, { bytes: content.length, sha256: sha256(content) });
  assert.deepEqual(await readFile(dst), content);
  assert.equal((await stat(dst)).mode & 0o777, 0o750);
  assert.equal(progress.at(-1), content.length);
  assert.ok(progress.every((n, i) => i === 0 || n > (progress[i - 1] ?? 0)));
  assert.deepEqual(
    (await readdir(dir)).filter((f) => f.includes('.part')),
    [],
  );
});

test('put refuses a missing directory or source, and a stopped put leaves the target as it was', async () => {
  const session = openLocalSession();
  const src = join(dir, 'big.bin');
  await writeFile(src, Buffer.alloc(4_000_000, 1));
  await assert.rejects(session.put(src, join(dir, 'no-dir', 'x')), failsWith('protocol', /no-dir/));
  await assert.rejects(session.put(join(dir, 'absent'), join(dir, 'x')), failsWith('protocol', /absent/));
  await assert.rejects(session.put(src, dir), failsWith('protocol', /is a directory/));
  const dst = join(dir, 'kept.txt');
  await writeFile(dst, 'before');
  const controller = new AbortController();
  await assert.rejects(
    session.put(src, dst, { signal: controller.signal, onProgress: () => controller.abort() }),
    failsWith('canceled'),
  );
  assert.equal(await readFile(dst, 'utf8'), 'before');
  assert.deepEqual(
    (await readdir(dir)).filter((f) => f.includes('.part')),
    [],
  );
});

test('get streams a file with its SHA-256 and honours maxBytes, timeout and cancel', async () => {
  const content = Buffer.from(Array.from({ length: 500_000 }, (_, i) => (i * 7) % 256));
  const file = join(dir, 'artifact.bin');
  await writeFile(file, content);
  const session = openLocalSession();
  const chunks: Buffer[] = [];
  const got = await session.get(file, {
    onData: async (c) => {
      chunks.push(c);
      await sleep(1);
    },
  });
  assert.deepEqual(got, { bytes: content.length, sha256: sha256(content) });
  assert.deepEqual(Buffer.concat(chunks), content);
  await assert.rejects(
    session.get(join(dir, 'missing'), { onData: () => {} }),
    failsWith('protocol', /missing/),
  );
  await assert.rejects(session.get(dir, { onData: () => {} }), failsWith('protocol'));
  await assert.rejects(
    session.get(file, { maxBytes: 1000, onData: () => {} }),
    failsWith('protocol', /1000-byte limit/),
  );
  await assert.rejects(
    session.get(file, { timeoutMs: 50, onData: () => sleep(100) }),
    failsWith('timeout', /50 ms/),
  );
  const controller = new AbortController();
  await assert.rejects(
    session.get(file, { signal: controller.signal, onData: () => controller.abort() }),
    failsWith('canceled'),
  );
});

test('secret variables are in the child environment, not its arguments', async () => {
  const value = `s3cr3t it's "q" $(id)\nline 2`;
  const r = await run('printf "%s|" "$ORCA_SECRET_x"; tr "\\0" " " < /proc/$$/cmdline', {
    secretEnv: { ORCA_SECRET_x: value },
  });
  assert.equal(r.exitCode, 0, r.stderr);
  const [seen, argv] = r.stdout.split('|');
  assert.equal(seen, value);
  assert.ok(argv?.includes('/bin/sh -c'), argv);
  assert.ok(!argv?.includes('s3cr3t'), argv);
});
