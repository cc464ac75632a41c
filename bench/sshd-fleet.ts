/**
 * Many SSH hosts on one machine for benchmarks: host i is `127.0.1.<n>`, `127.0.2.<n>`… port
 * 2222, served by one real OpenSSH sshd per 16 addresses (sshd's ListenAddress limit), all with
 * one ed25519 host key and the test user's keys. The CPU the sshd processes spend is readable
 * apart from the client's: they run in a cpuacct cgroup of their own (every per-connection
 * process included, even those re-parented to init), or, where no cgroup can be made, from
 * /proc (the listeners' own and reaped children's time, which misses re-parented processes).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SSHD_PATH, startSshd } from '../test/support/sshd.ts';
import { processCpuMs } from './cpu.ts';

const run = promisify(execFile);
export const FLEET_PORT = 2222;
const PER_SSHD = 16;

export interface SshdFleet {
  readonly addresses: readonly string[];
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** An unencrypted ed25519 private key authorized for `user`, and a file holding it. */
  readonly privateKey: string;
  readonly privateKeyPath: string;
  /** CPU (ms) the sshd processes and their reaped children have used so far. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

export function fleetAddress(i: number): string {
  return `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

export async function startSshdFleet(hosts: number): Promise<SshdFleet> {
  // One ordinary test sshd makes sure the test user and its keys exist, then goes.
  const seed = await startSshd();
  const { user, password } = seed;
  const privateKey = seed.clientKeys.plain;
  await seed.stop();
  const dir = await mkdtemp(join(tmpdir(), 'orca-bench-sshd-'));
  await chmod(dir, 0o755);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const privateKeyPath = join(dir, 'client_key');
  await writeFile(privateKeyPath, privateKey, { mode: 0o600 });
  await run('ssh-keygen', ['-y', '-f', privateKeyPath]).then((r) =>
    writeFile(join(dir, 'authorized_keys'), r.stdout, { mode: 0o644 }),
  );
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  const addresses = Array.from({ length: hosts }, (_, i) => fleetAddress(i));
  const children: ChildProcess[] = [];
  for (let at = 0; at < addresses.length; at += PER_SSHD) {
    const group = addresses.slice(at, at + PER_SSHD);
    const config = join(dir, `sshd_${at}.conf`);
    await writeFile(
      config,
      [
        `Port ${FLEET_PORT}`,
        ...group.map((a) => `ListenAddress ${a}`),
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, `sshd_${at}.pid`)}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        `AllowUsers ${user}`,
        'UseDNS no',
        'PrintMotd no',
        'LogLevel ERROR',
        'MaxStartups 1000',
        'MaxSessions 100',
        '',
      ].join('\n'),
    );
    children.push(spawn(SSHD_PATH, ['-D', '-e', '-f', config], { stdio: 'ignore' }));
  }
  const cgroup = await makeCgroup(children.map((c) => c.pid).filter((p): p is number => p !== undefined));
  await Promise.all(addresses.map((a) => waitForPort(a, FLEET_PORT, 15_000)));
  const pids = () => children.map((c) => c.pid).filter((p): p is number => p !== undefined);
  return {
    addresses,
    port: FLEET_PORT,
    user,
    password,
    privateKey,
    privateKeyPath,
    async cpuMs() {
      if (cgroup) return Number(await readFile(join(cgroup, 'cpuacct.usage'), 'utf8')) / 1e6;
      let total = 0;
      for (const pid of pids()) total += await processCpuMs(pid, true);
      return total;
    },
    async stop() {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(
        children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))),
      );
      await rm(dir, { recursive: true, force: true });
      if (cgroup) await rmdir(cgroup).catch(() => {});
    },
  };
}

/** A cpuacct cgroup (v1) holding `pids`; their children are born in it. Null where none can be made. */
async function makeCgroup(pids: readonly number[]): Promise<string | null> {
  const path = `/sys/fs/cgroup/cpuacct/orca-bench-sshd-${process.pid}`;
  try {
    await mkdir(path, { recursive: true });
    for (const pid of pids) await writeFile(join(path, 'cgroup.procs'), String(pid));
    return path;
  } catch {
    return null;
  }
}

function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${host}:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}
