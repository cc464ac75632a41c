/** `orca exec`, its errors and how it reports them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { A, B, FAILED, HOSTS, orca, out, RUN, withApi } from '../../test/support/cli-harness.ts';
import { fakeRun } from '../../test/support/fake-api.ts';
import type { ClientMessage, ServerMessage } from '../http/stream-protocol.ts';

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
  const urgent = await orca([
    'exec',
    '--url',
    api.url,
    '--hosts',
    'web-1',
    '--priority',
    '-5',
    '--no-follow',
    '--',
    'true',
  ]);
  assert.equal(urgent.code, 0, urgent.stderr);
  assert.equal((api.requests.at(-1)?.body as { priority?: number } | undefined)?.priority, -5);
  const tooHigh = await orca([
    'exec',
    '--url',
    api.url,
    '--hosts',
    'web-1',
    '--priority',
    '500',
    '--',
    'true',
  ]);
  assert.equal(tooHigh.code, 2);
  assert.match(tooHigh.stderr, /-100 to 100/);

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
