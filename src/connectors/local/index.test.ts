import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ConnectorError } from '../connector.ts';
import { openLocalSession } from './index.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orca-local-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(
  command: string,
  o: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; signal?: AbortSignal } = {},
) {
  const out = { stdout: '', stderr: '' };
  const result = await openLocalSession().exec(command, {
    ...o,
    onOutput: (stream, chunk) => {
      out[stream] += chunk.toString('utf8');
    },
  });
  return { ...result, ...out };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('output, exit codes, env and cwd', async () => {
  const r = await run('echo out; echo err >&2; pwd; echo "$GREETING"; exit 4', {
    env: { GREETING: 'hi there' },
    cwd: dir,
  });
  assert.equal(r.exitCode, 4);
  assert.equal(r.stdout, `out\n${dir}\nhi there\n`);
  assert.equal(r.stderr, 'err\n');
});

test("the worker's environment does not reach the command", async () => {
  process.env.ORCA_SECRET_PROBE = 'do-not-leak';
  try {
    const r = await run('echo "[$ORCA_SECRET_PROBE]"; echo "$PATH"');
    assert.equal(r.stdout.split('\n')[0], '[]');
    assert.ok(r.stdout.includes('/bin'), 'PATH is kept');
  } finally {
    delete process.env.ORCA_SECRET_PROBE;
  }
});

test('a missing working directory is refused before anything runs', async () => {
  await assert.rejects(run('true', { cwd: join(dir, 'nope') }), (e: unknown) => {
    assert.ok(e instanceof ConnectorError);
    assert.equal(e.kind, 'protocol');
    assert.match(e.message, /nope/);
    return true;
  });
});

for (const how of ['timeout', 'cancel'] as const) {
  test(`${how} kills the whole process group, background children included`, async () => {
    const pidFile = join(dir, `${how}.pid`);
    const controller = new AbortController();
    const started = run(`sleep 30 & echo $! > ${pidFile}; wait`, {
      ...(how === 'timeout' ? { timeoutMs: 500 } : { signal: controller.signal }),
    });
    let pid = 0;
    for (let i = 0; i < 100 && !pid; i++) {
      await new Promise((r) => setTimeout(r, 20));
      pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim()) || 0;
    }
    assert.ok(pid > 0);
    if (how === 'cancel') controller.abort();
    await assert.rejects(
      started,
      (e: unknown) => e instanceof ConnectorError && e.kind === (how === 'timeout' ? 'timeout' : 'canceled'),
    );
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(!alive(pid), 'the background sleep is gone');
  });
}

test('a slow consumer loses and reorders nothing', async () => {
  let text = '';
  const r = await openLocalSession().exec('seq 1 200000', {
    onOutput: async (_stream, chunk) => {
      text += chunk.toString('utf8');
      await new Promise((res) => setImmediate(res));
    },
  });
  assert.equal(r.exitCode, 0);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, 200000);
  assert.equal(lines[199999], '200000');
  assert.ok(lines.every((l, i) => Number(l) === i + 1));
});

test('put and get copy files with their SHA-256', async () => {
  const src = join(dir, 'src.bin');
  await writeFile(src, Buffer.alloc(300_000, 7));
  const session = openLocalSession();
  const put = await session.put?.(src, join(dir, 'dst.bin'));
  assert.equal(put?.bytes, 300_000);
  const chunks: Buffer[] = [];
  const got = await session.get?.(join(dir, 'dst.bin'), { onData: (c) => void chunks.push(c) });
  assert.equal(got?.sha256, put?.sha256);
  assert.equal(Buffer.concat(chunks).length, 300_000);
  await assert.rejects(
    session.get?.(join(dir, 'missing'), { onData: () => {} }) ?? Promise.resolve(),
    /no such file/,
  );
});
