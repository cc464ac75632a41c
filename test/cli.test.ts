/** The `orca` client commands as a user runs them: a child process against the real app and sshd. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import { hostname, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from './support/app.ts';
import { orcaProcess, type ProcessOptions } from './support/cli-process.ts';
import { freePort, type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;
let home: string;

/** `orca <args>` in a child process, with its own config dir and no ORCA_* from the outside. */
const orca = (args: string[], o: ProcessOptions = {}) => orcaProcess(home, args, o);

const server = () => ['--url', app.url, '--token', app.token];

/** A TCP relay to the app whose connections can all be cut at once, as a flaky network would. */
async function startRelay(target: URL): Promise<{ url: string; cut(): void; stop(): Promise<void> }> {
  const open = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        open.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const { port } = relay.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      for (const s of open) s.destroy();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        relay.close(() => resolve());
      }),
  };
}

before(async () => {
  // Settled one by one, so that `after` stops whichever started even if the other failed.
  const [a, s] = await Promise.allSettled([
    startTestApp({ env: { ORCA_CONNECT_TIMEOUT_MS: '3000' } }),
    startSshd(),
  ]);
  if (a.status === 'fulfilled') app = a.value;
  if (s.status === 'fulfilled') sshd = s.value;
  if (a.status === 'rejected') throw a.reason;
  if (s.status === 'rejected') throw s.reason;
  home = await mkdtemp(join(tmpdir(), 'orca-cli-home-'));
  // The inventory is made with the CLI itself, secrets on stdin.
  const cred = await orca(['credentials', 'add', 'test-pw', '--password-stdin', ...server()], {
    stdin: `${sshd.password}\n`,
  });
  assert.equal(cred.code, 0, cred.stderr);
  const closed = await freePort();
  for (const [name, port] of [
    ['h1', sshd.port],
    ['h2', sshd.port],
    ['broken', closed],
  ] as const) {
    const r = await orca([
      'hosts',
      'add',
      name,
      '--address',
      '127.0.0.1',
      '--port',
      String(port),
      '--user',
      sshd.user,
      '--credential',
      'test-pw',
      ...server(),
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test('exec prints the remote user prefixed by each host and exits 0', async () => {
  const r = await orca(['exec', ...server(), '--hosts', 'h1,h2', '--', 'whoami']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const lines = r.stdout.split('\n');
  assert.ok(lines.includes(`h1 | ${sshd.user}`), r.stdout);
  assert.ok(lines.includes(`h2 | ${sshd.user}`), r.stdout);
  assert.match(r.stdout, /h1\s+succeeded\s+0\s/);
  assert.match(r.stdout, /h2\s+succeeded\s+0\s/);
  assert.match(r.stdout, /run \S+ succeeded: 2 of 2 hosts succeeded/);
});

test('a host that cannot be reached fails the exec with its kind, while the other prints its output', async () => {
  const r = await orca(['exec', ...server(), '--hosts', 'h1,broken', '--', 'whoami']);
  assert.equal(r.code, 1, r.stderr + r.stdout);
  assert.ok(r.stdout.split('\n').includes(`h1     | ${sshd.user}`), r.stdout);
  assert.match(r.stdout, /broken \* failed: unreachable: /);
  assert.match(r.stdout, /broken\s+failed\s+-\s+\S+\s+unreachable: /);
  assert.match(r.stdout, /run \S+ failed: 1 of 2 hosts succeeded, 1 failed/);
});

test('stderr lines are marked, a non-zero exit fails, and logs replays the stored output', async () => {
  const r = await orca([
    'exec',
    ...server(),
    '--hosts',
    'h1',
    '--',
    'echo out; echo err >&2; printf partial; exit 3',
  ]);
  assert.equal(r.code, 1);
  const lines = r.stdout.split('\n');
  for (const l of ['h1 | out', 'h1 ! err', 'h1 | partial'])
    assert.ok(lines.includes(l), `${l} in\n${r.stdout}`);
  assert.match(r.stdout, /h1\s+failed\s+3\s+\S+\s+nonzero-exit: /);

  const id = /run (\S+) failed/.exec(r.stdout)?.[1] ?? '';
  const logs = await orca(['logs', id, ...server()]);
  assert.equal(logs.code, 0, logs.stderr);
  for (const l of ['h1 | out', 'h1 ! err', 'h1 | partial'])
    assert.ok(logs.stdout.split('\n').includes(l), logs.stdout);

  const show = await orca(['runs', 'show', id, '--json', ...server()]);
  assert.equal(
    (JSON.parse(show.stdout) as { executions: { exitCode: number }[] }).executions[0]?.exitCode,
    3,
  );
});

test('exec --no-follow returns the run id, and logs -f follows it to the end', async () => {
  const started = await orca([
    'exec',
    ...server(),
    '--hosts',
    'h2',
    '--no-follow',
    '--',
    'sleep 1; echo done',
  ]);
  assert.equal(started.code, 0, started.stderr);
  const id = started.stdout.trim();
  assert.match(id, /^[0-9a-f-]{36}$/);
  const r = await orca(['logs', '-f', id, ...server()]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'h2 | done\n');
});

test('a cut connection is resumed: every line once, in order', async () => {
  const relay = await startRelay(new URL(app.url));
  try {
    let cut = false;
    const r = await orca(
      [
        'exec',
        '--url',
        relay.url,
        '--token',
        app.token,
        '--hosts',
        'h1',
        '--',
        'for i in $(seq 1 30); do echo line $i; sleep 0.05; done',
      ],
      {
        onStdout: (all) => {
          if (!cut && all.includes('h1 | line 5\n')) {
            cut = true;
            relay.cut();
          }
        },
      },
    );
    assert.ok(cut, 'the connection was cut while output was flowing');
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('h1 | '));
    assert.deepEqual(
      lines,
      Array.from({ length: 30 }, (_, i) => `h1 | line ${i + 1}`),
    );
    assert.match(r.stderr, /reconnecting/);
  } finally {
    await relay.stop();
  }
});

test('Ctrl-C cancels the run on the server, waits for the end and exits 130', async () => {
  let sent = false;
  const started = Date.now();
  const r = await orca(['exec', ...server(), '--hosts', 'h1,h2', '--', 'echo started; sleep 60'], {
    onStdout: (all, child) => {
      if (!sent && all.includes('h1 | started') && all.includes('h2 | started')) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  assert.equal(r.code, 130, r.stderr + r.stdout);
  assert.ok(Date.now() - started < 30_000, 'the remote sleep was killed, not waited for');
  assert.match(r.stderr, /canceling run/);
  assert.match(r.stdout, /h1\s+canceled\s/);
  assert.match(r.stdout, /h2\s+canceled\s/);
  assert.match(r.stdout, /run \S+ canceled: /);
});

test('hosts and runs are listed as aligned tables', async () => {
  const hosts = await orca(['hosts', 'list', ...server()]);
  assert.equal(hosts.code, 0, hosts.stderr);
  assert.match(
    hosts.stdout,
    /^NAME\s+KIND\s+ADDRESS\s+USER\s+CREDENTIAL\s+HEALTH\s+OS\s+TAGS\s+LABELS\s+GROUPS\n/,
  );
  assert.match(
    hosts.stdout,
    new RegExp(`\\nh1\\s+linux ssh\\s+127\\.0\\.0\\.1:${sshd.port}\\s+${sshd.user}\\s+test-pw`),
  );
  const runs = await orca(['runs', 'list', '--limit', '2', ...server()]);
  assert.equal(runs.stdout.trim().split('\n').length, 3, runs.stdout);
  const check = await orca(['hosts', 'test', 'h1', ...server()]);
  assert.equal(check.code, 0, check.stderr + check.stdout);
  assert.match(check.stdout, /^h1: ok/);
  // The check recorded the host's health and facts: the list and `hosts show` print them.
  const listed = await orca(['hosts', 'list', '--health', 'up', ...server()]);
  assert.match(listed.stdout, /\nh1\s+linux ssh\s+.*\s+up \d+(ms|\.\d+s|s)\s+\S/);
  const show = await orca(['hosts', 'show', 'h1', ...server()]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`^hostname: +${hostname()}$`, 'm'));
  assert.match(show.stdout, new RegExp(`^kernel: +${release().replace(/\./g, '\\.')}$`, 'm'));
});

test('login with the password on stdin saves a working token in a 0600 file; logout revokes it', async () => {
  const r = await orca(['login', '--url', app.url, '--username', ADMIN_USER], {
    stdin: `${ADMIN_PASSWORD}\n`,
  });
  assert.equal(r.code, 0, r.stderr);
  const path = join(home, 'orca', 'config.json');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const saved = JSON.parse(await readFile(path, 'utf8')) as { url: string; token: string };
  assert.equal(saved.url, app.url);
  assert.equal((await app.api('/auth/me', { token: saved.token })).status, 200);

  // Later commands need neither --url nor --token.
  const list = await orca(['hosts', 'list']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /\nh1 /);

  const wrong = await orca(['login', '--url', app.url, '--username', ADMIN_USER], {
    stdin: 'not-the-password\n',
  });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /^error: wrong user name or password/);

  const out = await orca(['logout']);
  assert.equal(out.code, 0, out.stderr);
  await assert.rejects(stat(path));
  assert.equal((await app.api('/auth/me', { token: saved.token })).status, 401);
});

test('bad input exits 2 with the server message', async () => {
  const r = await orca(['exec', ...server(), '--hosts', 'no-such-host', '--', 'true']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: .*unknown host\(s\): no-such-host/);
});
