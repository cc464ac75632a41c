/**
 * Network namespaces for tests that need hosts the test process cannot reach: a line of
 * namespaces joined by veth pairs, root → ns[0] → ns[1] → …, where each namespace reaches only
 * its neighbours (no forwarding). Needs root and iproute2. Names carry the test process's pid,
 * so leftovers of an aborted run are recognised and removed; everything is removed on exit.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ip = (...args: string[]) => run('ip', args);
const PREFIX = 'orcat';

export interface NetnsLine {
  /** Namespace names, in order from the root namespace outwards. */
  readonly names: readonly string[];
  /** Address of namespace i on its link towards the root (reachable from namespace i - 1 only). */
  address(i: number): string;
  remove(): Promise<void>;
}

const subnetOf = (pid: number) => 100 + (pid % 150);
const created = new Set<string>();
let routes: string[] = [];

process.once('exit', () => {
  for (const name of created) {
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {}
  }
  for (const route of routes) {
    try {
      execFileSync('ip', ['route', 'del', 'unreachable', route], { stdio: 'ignore' });
    } catch {}
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes the namespaces and routes of earlier test processes that are gone. */
async function removeLeftovers(): Promise<void> {
  const { stdout } = await ip('netns', 'list');
  const dead = new Set<number>();
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^(${PREFIX}(\\d+)n\\d+)\\b`).exec(line);
    if (!m?.[1] || !m[2]) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || alive(pid)) continue;
    dead.add(pid);
    await ip('netns', 'del', m[1]).catch(() => {});
  }
  for (const pid of dead) {
    for (let i = 1; i <= 8; i++)
      await ip('route', 'del', 'unreachable', `10.${subnetOf(pid)}.${i}.0/24`).catch(() => {});
  }
}

/** Creates `count` namespaces in a line. Link i is 10.S.(i+1).0/24: .1 on the inner side, .2 outside. */
export async function createNetnsLine(count: number): Promise<NetnsLine> {
  if (process.getuid?.() !== 0) throw new Error('network namespaces need root');
  await removeLeftovers();
  const s = subnetOf(process.pid);
  const names = Array.from({ length: count }, (_, i) => `${PREFIX}${process.pid}n${i}`);
  const address = (i: number) => `10.${s}.${i + 1}.2`;
  for (const [i, name] of names.entries()) {
    await ip('netns', 'add', name);
    created.add(name);
    await ip('-n', name, 'link', 'set', 'lo', 'up');
    // The veth pair of link i: end "a" stays in the previous namespace (or root), "b" moves in.
    const a = `${PREFIX}${process.pid}a${i}`;
    const b = `${PREFIX}${process.pid}b${i}`;
    const outer = i === 0 ? [] : ['-n', names[i - 1] as string];
    await ip(...outer, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b, 'netns', name);
    await ip(...outer, 'addr', 'add', `10.${s}.${i + 1}.1/24`, 'dev', a);
    await ip(...outer, 'link', 'set', a, 'up');
    await ip('-n', name, 'addr', 'add', `${address(i)}/24`, 'dev', b);
    await ip('-n', name, 'link', 'set', b, 'up');
  }
  // From the root namespace the inner links fail at once ("no route"), instead of leaving
  // through the default route and timing out.
  routes = names.slice(1).map((_, i) => `10.${s}.${i + 2}.0/24`);
  for (const route of routes) await ip('route', 'replace', 'unreachable', route);
  return {
    names,
    address,
    async remove() {
      for (const name of names) {
        await ip('netns', 'del', name).catch(() => {});
        created.delete(name);
      }
      for (const route of routes) await ip('route', 'del', 'unreachable', route).catch(() => {});
      routes = [];
    },
  };
}
