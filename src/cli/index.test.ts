import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { Command, CommanderError } from 'commander';
import type { LogEvent } from '../http/schemas.ts';
import type { ClientMessage, ServerMessage } from '../http/stream-protocol.ts';
import { type FakeApi, type FakeApiOptions, fakeRun, startFakeApi } from './fake-api.ts';
import { registerClientCommands } from './index.ts';
import type { CliInput } from './io.ts';

const RUN = '11111111-1111-4111-8111-111111111111';
const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const CRED = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const HOST = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `orca <args>` in this process with captured output. */
async function orca(
  args: string[],
  o: {
    env?: Record<string, string>;
    configDir?: string;
    stdin?: string;
    interrupt?: (fire: () => void) => void;
  } = {},
): Promise<Result> {
  const result: Result = { code: null, stdout: '', stderr: '' };
  const program = new Command('orca').exitOverride();
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

async function withApi(t: { after(fn: () => unknown): void }, options: FakeApiOptions): Promise<FakeApi> {
  const api = await startFakeApi(options);
  t.after(() => api.close());
  return api;
}

const out = (executionId: string, seq: number, kind: LogEvent['kind'], data: string): ServerMessage => ({
  type: 'event',
  runId: RUN,
  event: { executionId, seq, kind, data, at: '2024-01-01T00:00:00.000Z' },
});

const HOSTS = [
  { id: A, name: 'web-1' },
  { id: B, name: 'web-10' },
];
const FAILED = [
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

test('exec creates the run, prints host-prefixed output and a summary, and fails if a host failed', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.method === 'POST' && req.path === '/runs')
        return { status: 201, body: fakeRun(RUN, 'queued', HOSTS) };
      if (req.path === `/runs/${RUN}/log`) return { body: { events: [], more: false } };
      return undefined;
    },
    stream: (socket) =>
      socket.on('message', () => {
        for (const m of [
          out(A, 1, 'stdout', 'ro'),
          out(A, 2, 'stdout', 'ot\nsecond line'),
          out(A, 3, 'stderr', 'a warning\n'),
          out(
            B,
            1,
            'status',
            JSON.stringify({ status: 'failed', failureKind: 'unreachable', message: 'refused' }),
          ),
          out(A, 4, 'status', JSON.stringify({ status: 'succeeded', exitCode: 0 })),
          { type: 'run', run: fakeRun(RUN, 'failed', FAILED) } satisfies ServerMessage,
        ]) {
          socket.send(JSON.stringify(m));
        }
      }),
  });
  const r = await orca([
    'exec',
    '--url',
    api.url,
    '--token',
    'tok',
    '--hosts',
    'web-1, web-10',
    '--timeout',
    '30',
    '--',
    'echo',
    'hi',
  ]);
  assert.equal(r.code, 1, r.stderr);
  const post = api.requests.find((q) => q.method === 'POST');
  assert.deepEqual(post?.body, {
    command: 'echo hi',
    targets: { hosts: ['web-1', 'web-10'] },
    timeoutSeconds: 30,
  });
  assert.equal(post?.headers.authorization, 'Bearer tok');
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 4), [
    'web-1  | root',
    'web-1  ! a warning',
    'web-10 * failed: unreachable: refused',
    'web-1  | second line',
  ]);
  assert.match(r.stdout, /HOST\s+STATUS\s+EXIT\s+DURATION\s+FAILURE/);
  assert.match(r.stdout, /web-1\s+succeeded\s+0\s+1\.0s/);
  assert.match(
    r.stdout,
    /web-10\s+failed\s+-\s+1\.0s\s+unreachable: connection refused by 10\.0\.0\.10:2222/,
  );
  assert.match(r.stdout, new RegExp(`run ${RUN} failed: 1 of 2 hosts succeeded, 1 failed`));
  assert.ok(!r.stdout.includes('\x1b'), 'no colour when not a terminal');
});

test('exec --no-follow prints the run id; --json prints the final run', async (t) => {
  const subscribed: ClientMessage[] = [];
  const api = await withApi(t, {
    http: (req) => {
      if (req.method === 'POST' && req.path === '/runs')
        return { status: 201, body: fakeRun(RUN, 'queued', HOSTS) };
      if (req.path === `/runs/${RUN}/log`) return { body: { events: [], more: false } };
      return undefined;
    },
    stream: (socket) =>
      socket.on('message', (raw) => {
        subscribed.push(JSON.parse(String(raw)) as ClientMessage);
        socket.send(JSON.stringify(out(A, 1, 'stdout', 'hidden in json mode\n')));
        socket.send(JSON.stringify({ type: 'run', run: fakeRun(RUN, 'succeeded', HOSTS) }));
      }),
  });
  const quick = await orca(['exec', '--url', api.url, '--hosts', 'web-1', '--no-follow', '--', 'true']);
  assert.deepEqual([quick.code, quick.stdout], [0, `${RUN}\n`]);
  assert.equal(subscribed.length, 0);

  const json = await orca(['exec', '--url', api.url, '--hosts', 'web-1', '--json', '--', 'true']);
  assert.equal(json.code, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { status: string }).status, 'succeeded');
});

test('Ctrl-C during exec asks the server to cancel, waits for the end, and exits 130', async (t) => {
  let fire: () => void = () => {};
  const api = await withApi(t, {
    http: (req) => {
      if (req.method === 'POST' && req.path === '/runs')
        return { status: 201, body: fakeRun(RUN, 'running', HOSTS) };
      if (req.path === `/runs/${RUN}/cancel`) {
        setTimeout(
          () => sockets[0]?.send(JSON.stringify({ type: 'run', run: fakeRun(RUN, 'canceled', HOSTS) })),
          10,
        );
        return { body: fakeRun(RUN, 'running', HOSTS) };
      }
      if (req.path === `/runs/${RUN}/log`) return { body: { events: [], more: false } };
      return undefined;
    },
    stream: (socket) => {
      sockets.push(socket);
      socket.on('message', () => {
        socket.send(JSON.stringify({ type: 'run', run: fakeRun(RUN, 'running', HOSTS) }));
        setTimeout(() => fire(), 10);
      });
    },
  });
  const sockets: { send(s: string): void }[] = [];
  const r = await orca(['exec', '--url', api.url, '--hosts', 'web-1', '--', 'sleep', '100'], {
    interrupt: (handler) => {
      fire = handler;
    },
  });
  assert.equal(r.code, 130);
  assert.match(r.stderr, /canceling run/);
  assert.ok(api.requests.some((q) => q.method === 'POST' && q.path === `/runs/${RUN}/cancel`));
  assert.match(r.stdout, /canceled/);
});

test('API errors print their message and details; validation exits 2, others 1', async (t) => {
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/runs' && req.method === 'POST') {
        return {
          status: 400,
          body: {
            error: {
              code: 'validation',
              message: 'body.targets.hosts: unknown host(s): nope',
              details: [{ path: 'body.targets.hosts', message: 'unknown host(s): nope' }],
            },
          },
        };
      }
      if (req.path === '/hosts')
        return { status: 500, body: { error: { code: 'internal', message: 'internal error', details: [] } } };
      if (req.path === '/credentials') {
        return {
          status: 400,
          body: {
            error: {
              code: 'validation',
              message: 'two problems',
              details: [
                { path: 'body.name', message: 'must match pattern' },
                { path: 'body.password', message: 'is required' },
              ],
            },
          },
        };
      }
      return undefined;
    },
  });
  const bad = await orca(['exec', '--url', api.url, '--hosts', 'nope', '--', 'true']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'error: body.targets.hosts: unknown host(s): nope\n');

  const two = await orca(['credentials', 'add', 'x y', '--password-stdin', '--url', api.url], {
    stdin: 'pw\n',
  });
  assert.equal(two.code, 2);
  assert.equal(
    two.stderr,
    'error: two problems\n  body.name: must match pattern\n  body.password: is required\n',
  );

  const broken = await orca(['hosts', 'list', '--url', api.url]);
  assert.deepEqual([broken.code, broken.stderr], [1, 'error: internal error\n']);

  const usage = await orca(['exec', '--url', api.url, '--', 'true']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--hosts/);
});

test('a missing token is explained with how to get one', async (t) => {
  const api = await withApi(t, {
    http: () => ({
      status: 401,
      body: { error: { code: 'unauthenticated', message: 'log in or send an API token', details: [] } },
    }),
  });
  const r = await orca(['runs', 'list', '--url', api.url]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /orca login/);
});

test('login reads the password from stdin, creates a token with the CSRF header and saves it 0600', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-login-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/auth/login') {
        const ok = (req.body as { password: string }).password === 's3cret pass';
        if (!ok)
          return {
            status: 401,
            body: { error: { code: 'unauthenticated', message: 'wrong user name or password', details: [] } },
          };
        return {
          headers: { 'set-cookie': ['other=1; Path=/', 'orca_session=sess; Path=/; HttpOnly'] },
          body: { user: { id: A, username: 'admin', role: 'admin', createdAt: 'x' }, csrfToken: 'csrf-1' },
        };
      }
      if (req.path === '/tokens' && req.method === 'POST') {
        assert.equal(req.headers.cookie, 'orca_session=sess');
        assert.equal(req.headers['x-csrf-token'], 'csrf-1');
        return {
          status: 201,
          body: {
            token: { id: B, name: (req.body as { name: string }).name, prefix: 'orca_abcd' },
            secret: 'orca_abcdsecret',
          },
        };
      }
      if (req.path === '/auth/logout') return { status: 204 };
      if (req.path === '/tokens' && req.method === 'GET') {
        assert.equal(req.headers.authorization, 'Bearer orca_abcdsecret');
        return { body: [{ id: B, name: 'cli@laptop', prefix: 'orca_abcd' }] };
      }
      if (req.path === `/tokens/${B}` && req.method === 'DELETE') return { status: 204 };
      return undefined;
    },
  });
  const wrong = await orca(['login', '--url', api.url, '--username', 'admin'], {
    configDir: dir,
    stdin: 'nope\n',
  });
  assert.deepEqual([wrong.code, wrong.stderr], [1, 'error: wrong user name or password\n']);

  const r = await orca(['login', '--url', api.url, '--username', 'admin'], {
    configDir: dir,
    stdin: 's3cret pass\n',
  });
  assert.equal(r.code, 0, r.stderr);
  const tokenRequest = api.requests.find((q) => q.path === '/tokens' && q.method === 'POST');
  assert.deepEqual(tokenRequest?.body, { name: 'cli@laptop' });
  const path = join(dir, 'config.json');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), { url: api.url, token: 'orca_abcdsecret' });
  assert.ok(
    api.requests.some((q) => q.path === '/auth/logout'),
    'the session is ended',
  );

  const logout = await orca(['logout'], { configDir: dir });
  assert.equal(logout.code, 0, logout.stderr);
  assert.match(logout.stdout, /revoked/);
  await assert.rejects(stat(path));
});

test('ORCA_PASSWORD serves automation; without --username a pipe is not enough', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-login-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/auth/login') {
        assert.equal((req.body as { password: string }).password, 'from-env');
        return {
          headers: { 'set-cookie': 'orca_session=s; Path=/' },
          body: { user: { username: 'ops' }, csrfToken: 'c' },
        };
      }
      if (req.path === '/tokens')
        return { status: 201, body: { token: { id: B, name: 'n' }, secret: 'orca_x' } };
      return { status: 204 };
    },
  });
  const r = await orca(['login'], {
    configDir: dir,
    env: { ORCA_URL: api.url, ORCA_USERNAME: 'ops', ORCA_PASSWORD: 'from-env' },
  });
  assert.equal(r.code, 0, r.stderr);
  const noUser = await orca(['login', '--url', api.url], { configDir: dir, stdin: 'pw\n' });
  assert.equal(noUser.code, 2);
  assert.match(noUser.stderr, /--username/);
});

test('commands use the saved login unless told otherwise', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-saved-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const api = await withApi(t, { http: (req) => (req.path === '/runs' ? { body: [] } : undefined) });
  await writeFile(join(dir, 'config.json'), JSON.stringify({ url: api.url, token: 'saved' }));
  const r = await orca(['runs', 'list', '--status', 'failed', '--limit', '5'], { configDir: dir });
  assert.deepEqual([r.code, r.stdout], [0, 'no runs\n']);
  const q = api.requests[0];
  assert.equal(q?.headers.authorization, 'Bearer saved');
  assert.equal(q?.query.toString(), 'status=failed&limit=5');
  const env = await orca(['runs', 'list'], { configDir: dir, env: { ORCA_TOKEN: 'from-env' } });
  assert.equal(env.code, 0);
  assert.equal(api.requests[1]?.headers.authorization, 'Bearer from-env');
});

test('hosts add and test address credentials and hosts by name', async (t) => {
  const host = {
    id: HOST,
    name: 'web-1',
    address: '10.0.0.1',
    port: 2222,
    username: 'deploy',
    credentialName: 'ops',
    lastCheck: null,
    pendingHostKey: null,
  };
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === '/credentials') return { body: [{ id: CRED, name: 'ops', kind: 'password' }] };
      if (req.path === '/hosts' && req.method === 'POST') return { status: 201, body: host };
      if (req.path === '/hosts') return { body: [host] };
      if (req.path === `/hosts/${HOST}/test`) {
        return {
          body: {
            ok: false,
            failureKind: 'auth',
            message: 'the host rejected the password for deploy',
            latencyMs: null,
          },
        };
      }
      return undefined;
    },
  });
  const add = await orca([
    'hosts',
    'add',
    'web-1',
    '--address',
    '10.0.0.1',
    '--port',
    '2222',
    '--user',
    'deploy',
    '--credential',
    'ops',
    '--url',
    api.url,
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.deepEqual(api.requests.find((q) => q.method === 'POST')?.body, {
    name: 'web-1',
    address: '10.0.0.1',
    port: 2222,
    username: 'deploy',
    credentialId: CRED,
  });
  const missing = await orca([
    'hosts',
    'add',
    'x',
    '--address',
    'a',
    '--user',
    'u',
    '--credential',
    'nope',
    '--url',
    api.url,
  ]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no credential named nope/);

  const check = await orca(['hosts', 'test', 'web-1', '--url', api.url]);
  assert.deepEqual(
    [check.code, check.stdout],
    [1, 'web-1: auth: the host rejected the password for deploy\n'],
  );

  const list = await orca(['hosts', 'list', '--url', api.url]);
  assert.equal(
    list.stdout,
    'NAME   ADDRESS        USER    CREDENTIAL  LAST CHECK\nweb-1  10.0.0.1:2222  deploy  ops         -\n',
  );
});

test('credential secrets come from stdin or a file, never argv', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-key-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const api = await withApi(t, {
    http: (req) =>
      req.method === 'POST'
        ? { status: 201, body: { ...(req.body as object), id: CRED, fingerprint: null } }
        : undefined,
  });
  const pw = await orca(['credentials', 'add', 'ops', '--password-stdin', '--url', api.url], {
    stdin: 'hunter2\n',
  });
  assert.equal(pw.code, 0, pw.stderr);
  assert.deepEqual(api.requests[0]?.body, { name: 'ops', kind: 'password', password: 'hunter2' });

  await writeFile(join(dir, 'id_ed25519'), 'KEY MATERIAL\n');
  const key = await orca(
    [
      'credentials',
      'add',
      'deploy',
      '--key-file',
      join(dir, 'id_ed25519'),
      '--passphrase-stdin',
      '--url',
      api.url,
    ],
    {
      stdin: 'phrase\n',
    },
  );
  assert.equal(key.code, 0, key.stderr);
  assert.deepEqual(api.requests[1]?.body, {
    name: 'deploy',
    kind: 'ssh-key',
    privateKey: 'KEY MATERIAL\n',
    passphrase: 'phrase',
  });

  const both = await orca([
    'credentials',
    'add',
    'x',
    '--password-stdin',
    '--key-file',
    'k',
    '--url',
    api.url,
  ]);
  assert.equal(both.code, 2);
  const empty = await orca(['credentials', 'add', 'x', '--password-stdin', '--url', api.url], { stdin: '' });
  assert.equal(empty.code, 2);
  assert.equal(api.requests.length, 2);
});

test('logs pages through the stored output of every host', async (t) => {
  const page = (executionId: string, from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({
      executionId,
      seq: from + i,
      kind: 'stdout',
      data: `line ${from + i}\n`,
      at: 'x',
    }));
  const api = await withApi(t, {
    http: (req) => {
      if (req.path === `/runs/${RUN}`) return { body: fakeRun(RUN, 'succeeded', HOSTS) };
      if (req.path === `/runs/${RUN}/log`) {
        const after = Number(req.query.get('after'));
        if (req.query.get('execution') === A) {
          return after === 0
            ? { body: { events: page(A, 1, 2), more: true } }
            : { body: { events: page(A, 3, 3), more: false } };
        }
        return { body: { events: [], more: false } };
      }
      return undefined;
    },
  });
  const r = await orca(['logs', RUN, '--url', api.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'web-1  | line 1\nweb-1  | line 2\nweb-1  | line 3\n');
  assert.deepEqual(
    api.requests.filter((q) => q.path.endsWith('/log')).map((q) => q.query.toString()),
    [
      `execution=${A}&after=0&limit=1000`,
      `execution=${A}&after=2&limit=1000`,
      `execution=${B}&after=0&limit=1000`,
    ],
  );
});
