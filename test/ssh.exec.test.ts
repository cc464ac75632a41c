/** The SSH connector against real sshd: commands, kills, back-pressure and connection life. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import type net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ConnectorError } from '../src/connectors/connector.ts';
import { SshSession } from '../src/connectors/ssh/index.ts';
import { fx, open, rejection, runText, setUpSshServers, target, withSession } from './support/ssh-client.ts';

const run = promisify(execFile);
setUpSshServers(() => reapSleepers());

test('stdout and stderr stay separate and exit codes and signals are reported', async () => {
  await withSession(async (s) => {
    assert.deepEqual(await runText(s, 'echo out; echo err >&2; printf tail; exit 3'), {
      exitCode: 3,
      signal: null,
      stdout: 'out\ntail',
      stderr: 'err\n',
    });
    const killed = await runText(s, 'kill -TERM $$');
    assert.equal(killed.exitCode, null);
    assert.equal(killed.signal, 'SIGTERM');
    // stdin is at EOF, so a command that reads it does not hang.
    assert.equal((await runText(s, 'read line; echo "read=$?"')).stdout, 'read=1\n');
  });
});

test('env values and cwd with hostile characters arrive literally', async () => {
  const hostile = ["'; rm -rf / #", '$(id)', '`id`', 'a\nb', '‘ü’ "q" \\ $HOME'];
  const cwd = join(fx.scratch, `dir '$(id)' \`x\`\n“q”`);
  await mkdir(cwd, { mode: 0o755 });
  const env = Object.fromEntries(hostile.map((v, i) => [`ORCA_T${i}`, v]));
  const print = hostile.map((_, i) => `printf '%s|' "$ORCA_T${i}"`).join('; ');
  await withSession(async (s) => {
    const r = await runText(s, `${print}; pwd`, { env, cwd });
    assert.equal(r.stdout, `${hostile.map((v) => `${v}|`).join('')}${cwd}\n`);
    assert.equal(r.exitCode, 0);
    await assert.rejects(s.exec('true', { env: { 'NOT-A-NAME': 'x' }, onOutput: () => {} }), /NOT-A-NAME/);
    const missing = await runText(s, 'echo ran', { cwd: join(fx.scratch, 'missing') });
    assert.notEqual(missing.exitCode, 0);
    assert.equal(missing.stdout, '');
  });
});

/** PIDs of processes (of any user on this machine, where sshd runs) whose command line matches. */
async function pgrep(pattern: string): Promise<number[]> {
  const r = await run('pgrep', ['-f', pattern]).catch((e: { stdout?: string }) => ({
    stdout: e.stdout ?? '',
  }));
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

async function waitFor(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await delay(50);
  }
}

/** A command that sleeps (uniquely named, to find it) and would then write a file. */
/** Patterns of every sleeper started, so that after() can kill what a failed test left behind. */
const sleepers: string[] = [];

function sleeper() {
  const seconds = 300_000 + randomInt(600_000);
  const file = join(fx.scratch, `done-${seconds}`);
  const pattern = `^sleep ${seconds}$`;
  sleepers.push(pattern);
  return { command: `sleep ${seconds}; echo done > '${file}'`, pattern, file };
}

async function reapSleepers(): Promise<void> {
  for (const pattern of sleepers) {
    for (const pid of await pgrep(pattern)) process.kill(pid, 'SIGKILL');
  }
}

for (const [server, which] of [
  [() => fx.sshd, 'sshd'],
  [() => fx.forced, 'an sshd that ignores signal requests'],
] as const) {
  test(`on ${which}, a command past its timeout is killed with its children and fails as timeout`, async () => {
    await withSession(
      async (s) => {
        const job = sleeper();
        const started = performance.now();
        const result = s.exec(job.command, { timeoutMs: 1500, onOutput: () => {} });
        await waitFor('the remote sleep runs', async () => (await pgrep(job.pattern)).length === 1);
        const error = await rejection(result, 'timeout');
        assert.equal(error.message, 'command exceeded its 1.5s timeout on web-1; it was killed');
        assert.ok(performance.now() - started < 20_000, 'the command was not stopped at its timeout');
        await waitFor('the remote sleep is gone', async () => (await pgrep(job.pattern)).length === 0, 2000);
        await delay(300);
        assert.ok(!existsSync(job.file), 'the shell went on after sleep: it was not killed');
        // The session is still usable afterwards.
        assert.equal((await runText(s, 'echo still here')).stdout, 'still here\n');
      },
      target({ port: server().port }),
    );
  });

  test(`on ${which}, aborting a running command kills it and fails as canceled`, async () => {
    await withSession(
      async (s) => {
        const job = sleeper();
        const controller = new AbortController();
        const result = s.exec(job.command, { signal: controller.signal, onOutput: () => {} });
        await waitFor('the remote sleep runs', async () => (await pgrep(job.pattern)).length === 1);
        const started = performance.now();
        controller.abort();
        const error = await rejection(result, 'canceled');
        assert.equal(error.message, 'the command on web-1 was canceled; it was killed');
        assert.ok(performance.now() - started < 20_000, 'the abort did not stop the command');
        await waitFor('the remote sleep is gone', async () => (await pgrep(job.pattern)).length === 0, 2000);
        await delay(300);
        assert.ok(!existsSync(job.file));
        await rejection(s.exec('true', { signal: AbortSignal.abort(), onOutput: () => {} }), 'canceled');
      },
      target({ port: server().port }),
    );
  });
}

test('a consumer that fails stops the command on the host and its error is passed on', async () => {
  await withSession(async (s) => {
    const job = sleeper();
    const failure = new Error('cannot store output');
    const result = s.exec(`echo started; ${job.command}`, {
      onOutput: async () => {
        throw failure;
      },
    });
    await assert.rejects(result, (e) => e === failure);
    await waitFor('no remote sleep is left', async () => (await pgrep(job.pattern)).length === 0, 2000);
    assert.ok(!existsSync(job.file));
  });
});

/** V8's gc(), so that memory samples count live data rather than garbage not yet collected. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

test('12 MB of output streams through a slow consumer with bounded memory (back-pressure)', async (t) => {
  const gc = collectGarbage();
  // base64 of 12,000,000 bytes: 16,000,000 characters in lines of 76, each with a newline.
  const expected = 16_000_000 + Math.ceil(16_000_000 / 76);
  await withSession(async (s) => {
    gc();
    const base = process.memoryUsage();
    let peakExternal = 0;
    let peakRss = 0;
    let received = 0;
    let chunks = 0;
    const r = await s.exec('head -c 12000000 /dev/urandom | base64', {
      onOutput: async (stream, chunk) => {
        assert.equal(stream, 'stdout');
        received += chunk.length;
        if (++chunks % 4 === 0) {
          gc();
          const now = process.memoryUsage();
          peakExternal = Math.max(peakExternal, now.arrayBuffers - base.arrayBuffers);
          peakRss = Math.max(peakRss, now.rss - base.rss);
        }
        // Much slower than sshd can produce: without back-pressure nearly everything would pile up here.
        await delay(4);
      },
    });
    assert.equal(r.exitCode, 0);
    assert.equal(received, expected);
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const info = `buffers grew ${mb(peakExternal)}, rss ${mb(peakRss)}, for ${mb(expected)} of output`;
    t.diagnostic(info);
    // Without back-pressure buffers grow past the whole output (about 23 MB here); with it they
    // stay at a few MB. The bounds leave room for the garbage collector's timing.
    assert.ok(peakExternal < expected / 2, info);
    assert.ok(peakRss < expected, info);
  });
});

test('one session runs commands one after another and many at once', async () => {
  await withSession(async (s) => {
    for (let i = 0; i < 3; i++) assert.equal((await runText(s, `echo ${i}`)).stdout, `${i}\n`);
    // A barrier: each command waits until all six have started, so they only finish if they
    // really run at the same time on the one connection.
    const dir = `/tmp/orca-barrier-${process.pid}-${Date.now()}`;
    await runText(s, `mkdir -p ${dir}`);
    const all = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        runText(
          s,
          `touch ${dir}/${i}; n=0; while [ "$(ls ${dir} | wc -l)" -lt 6 ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done; ` +
            `[ "$(ls ${dir} | wc -l)" -ge 6 ] || exit 99; echo ${i}; echo e${i} >&2; exit ${i}`,
        ),
      ),
    );
    await runText(s, `rm -rf ${dir}`);
    all.forEach((r, i) => {
      assert.deepEqual(r, { exitCode: i, signal: null, stdout: `${i}\n`, stderr: `e${i}\n` });
    });
  });
});

/** Node's record of setNoDelay() on a socket (internal, but it is what libuv was told). */
function noDelayOf(socket: net.Socket): unknown {
  const symbol = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'kSetNoDelay');
  return symbol ? (socket as unknown as Record<symbol, unknown>)[symbol] : undefined;
}

test('the socket to the host has TCP_NODELAY set', async () => {
  await withSession(async (s) => {
    assert.ok(s instanceof SshSession);
    assert.equal(s.socket.remotePort, fx.sshd.port);
    assert.equal(noDelayOf(s.socket), true);
  });
});

test('TCP_NODELAY reaches the kernel: strace sees setsockopt on the socket connected to sshd', async (t) => {
  const hasStrace = await run('strace', ['-V']).then(
    () => true,
    () => false,
  );
  if (!hasStrace) return t.skip('strace is not installed');
  const trace = join(fx.scratch, 'strace.txt');
  const index = new URL('../src/connectors/ssh/index.ts', import.meta.url).href;
  const script = `
    import { sshConnector } from ${JSON.stringify(index)};
    const t = { hostId: 'h', name: 'h', address: '127.0.0.1', port: ${fx.sshd.port}, username: ${JSON.stringify(fx.sshd.user)}, knownHostKey: null, os: 'linux', shell: 'sh', winrm: null };
    const s = await sshConnector.open(t, { kind: 'password', password: ${JSON.stringify(fx.sshd.password)} }, { connectTimeoutMs: 10000 });
    const r = await s.exec('true', { onOutput: () => {} });
    await s.close();
    if (r.exitCode !== 0) process.exit(1);`;
  await run('strace', [
    '-f',
    '-qq',
    '-e',
    'trace=connect,setsockopt',
    '-o',
    trace,
    process.execPath,
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    script,
  ]);
  const lines = (await readFile(trace, 'utf8')).split('\n');
  const fds = lines.flatMap((l) => {
    const m = /connect\((\d+), \{sa_family=AF_INET, sin_port=htons\((\d+)\)/.exec(l);
    return m && Number(m[2]) === fx.sshd.port ? [m[1]] : [];
  });
  assert.equal(fds.length, 1, 'one connection to sshd');
  assert.ok(
    lines.some((l) => l.includes(`setsockopt(${fds[0]}, SOL_TCP, TCP_NODELAY, [1], 4) = 0`)),
    lines.filter((l) => l.includes('setsockopt')).join('\n'),
  );
});

test('a connection dropped mid-command fails the command and the session is no longer alive', async () => {
  const s = await open();
  try {
    // $PPID is this connection's sshd process: killing it drops the connection.
    const error = await s.exec('kill -KILL $PPID; sleep 5', { onOutput: () => {} }).then(
      () => assert.fail('expected a failure'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConnectorError);
    assert.ok(['protocol', 'unreachable'].includes(error.kind), error.kind);
    assert.match(error.message, /connection to web-1 at .* was lost while the command was running/);
    assert.equal(s.alive, false);
    await rejection(s.exec('true', { onOutput: () => {} }), error.kind);
  } finally {
    await s.close();
  }
});

test('close() ends the connection, is idempotent, and kills what still runs', async () => {
  const s = await open();
  const job = sleeper();
  const running = rejection(s.exec(job.command, { onOutput: () => {} }), 'protocol');
  await waitFor('the remote sleep runs', async () => (await pgrep(job.pattern)).length === 1);
  await Promise.all([s.close(), s.close()]);
  await s.close();
  assert.equal(s.alive, false);
  assert.match(
    (await running).message,
    /session to web-1 was closed while the command was running; it was killed/,
  );
  await waitFor('the remote sleep is gone', async () => (await pgrep(job.pattern)).length === 0, 2000);
  await rejection(s.exec('true', { onOutput: () => {} }), 'protocol');
});
