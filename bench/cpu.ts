/** CPU time of processes from /proc (Linux): user + system, optionally with reaped children. */
import { readdir, readFile } from 'node:fs/promises';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime (+ cutime + cstime) of one process, in ms; 0 when it is gone. */
export async function processCpuMs(pid: number, withChildren: boolean): Promise<number> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!text) return 0;
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(fields[i - 3] ?? 0);
  const own = n(14) + n(15);
  return (withChildren ? own + n(16) + n(17) : own) * TICK_MS;
}

/** Pids whose command name is `name` (e.g. `postgres`). */
export async function pidsNamed(name: string): Promise<number[]> {
  const out: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (comm.trim() === name) out.push(Number(entry));
  }
  return out;
}

/**
 * CPU of every PostgreSQL process (the postmaster's reaped backends included), in ms. Backends
 * that exit between two readings move into the postmaster's children's time, so the sum only
 * grows.
 */
export async function postgresCpuMs(): Promise<number> {
  const pids = await pidsNamed('postgres');
  const all = new Set(pids);
  let total = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0);
    // The postmaster (its parent is not postgres) counts its children too.
    total += await processCpuMs(pid, !all.has(ppid));
  }
  return total;
}

/** CPU of this process and its reaped children (e.g. ansible run with spawnSync), in ms. */
export async function selfCpuMs(withChildren: boolean): Promise<number> {
  return processCpuMs(process.pid, withChildren);
}

/**
 * CPU of the PostgreSQL servers this process started (embedded: the postmaster is our child),
 * their live and reaped backends included, in ms. Unlike postgresCpuMs it ignores every other
 * PostgreSQL on the machine, so other people's load on a shared server does not count.
 */
export async function ownPostgresCpuMs(): Promise<number> {
  const pids = await pidsNamed('postgres');
  const parent = new Map<number, number>();
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? 0));
  }
  const masters = new Set(pids.filter((p) => parent.get(p) === process.pid));
  let total = 0;
  for (const pid of pids) {
    if (masters.has(pid)) total += await processCpuMs(pid, true);
    else if (masters.has(parent.get(pid) ?? -1)) total += await processCpuMs(pid, false);
  }
  return total;
}
