/**
 * Log streaming: one real sshd host prints a flood of output (1 GiB by default) through the whole
 * of orca — a separate `orca worker` process reads it over SSH, masks, batches and stores it,
 * NOTIFY tells the server, which streams it to a WebSocket client subscribed on /api/v1/stream —
 * against reading the same bytes over a bare ssh2 exec in the same run (the floor).
 *
 * Prints: throughput (MB/s, and the ratio to the floor); the worker's memory (VmRSS and VmHWM from
 * /proc/<pid>/status) at 25/50/75/100 % of the flood; and end-to-end latency from the remote
 * write to the WebSocket client: beside the flood, on stderr, the command prints `LAT <ms>` with
 * the machine's clock five times a second (same machine, same clock), and a quiet phase prints
 * only those lines; the client reports the median and p99 of (its clock − the line's).
 *
 *   npm run bench:logs -- --mb 1024
 *
 * The per-execution output cap (ORCA_OUTPUT_LIMIT_BYTES, 32 MiB by default) is raised for the
 * worker to fit the flood. Uses a PostgreSQL of its own (embedded) unless --shared-db.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Client } from 'ssh2';
import WebSocket from 'ws';
import type { ServerMessage } from '../src/http/stream-protocol.ts';
import { startTestApp, type TestApp } from '../test/support/app.ts';
import { registerSshd, startRun, waitForRun } from '../test/support/fleet.ts';
import { type SshdHandle, startSshd } from '../test/support/sshd.ts';
import { ownPostgresCpuMs, processCpuMs } from './cpu.ts';

const { values: args } = parseArgs({
  options: {
    mb: { type: 'string', default: '1024' },
    'quiet-lines': { type: 'string', default: '50' },
    'shared-db': { type: 'boolean', default: false },
  },
});
const BYTES = Number(args.mb) * 1024 * 1024;
const QUIET_LINES = Number(args['quiet-lines']);
if (!args['shared-db']) delete process.env.DATABASE_URL;

const LINE = 'orca log bench: the quick brown fox jumps over the lazy dog 0123456789 abcdefghij';
const FLOOD = `yes '${LINE}' | head -c ${BYTES}`;
/** The flood on stdout, and clock lines on stderr for as long as it runs. */
const FLOOD_WITH_CLOCK = `(${FLOOD}) & f=$!; while kill -0 $f 2>/dev/null; do echo "LAT $(date +%s%3N)" >&2; sleep 0.2; done; wait $f`;
const QUIET = `for i in $(seq 1 ${QUIET_LINES}); do echo "LAT $(date +%s%3N)" >&2; sleep 0.1; done`;

/** The floor: the same command over one ssh2 exec; resolves with the bytes read and the time. */
function ssh2Read(sshd: SshdHandle, command: string): Promise<{ bytes: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    let t0 = 0;
    c.on('ready', () => {
      t0 = performance.now();
      c.exec(command, (err, stream) => {
        if (err) return reject(err);
        let bytes = 0;
        stream.on('data', (d: Buffer) => {
          bytes += d.length;
        });
        stream.stderr.resume();
        stream.on('close', () => {
          c.end();
          resolve({ bytes, ms: performance.now() - t0 });
        });
      });
    });
    c.on('error', reject);
    c.connect({
      host: '127.0.0.1',
      port: sshd.port,
      username: sshd.user,
      password: sshd.password,
      hostVerifier: () => true,
    });
  });
}

interface Watch {
  stdoutBytes: number;
  latencies: number[];
  done: boolean;
  close(): void;
}

/** A WebSocket client subscribed to the run: counts stdout bytes, times the clock lines. */
async function watch(app: TestApp, runId: string): Promise<Watch> {
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/api/v1/stream`, {
    headers: { authorization: `Bearer ${app.token}` },
  });
  const w: Watch = { stdoutBytes: 0, latencies: [], done: false, close: () => ws.close() };
  let partial = '';
  ws.on('message', (raw) => {
    const now = Date.now();
    const m = JSON.parse(String(raw)) as ServerMessage;
    if (m.type === 'run' && ['succeeded', 'failed', 'canceled'].includes(m.run.status)) w.done = true;
    if (m.type !== 'event') return;
    if (m.event.kind === 'stdout') w.stdoutBytes += Buffer.byteLength(m.event.data);
    if (m.event.kind !== 'stderr') return;
    const lines = (partial + m.event.data).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      const at = /^LAT (\d+)$/.exec(l);
      if (at) w.latencies.push(now - Number(at[1]));
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'subscribe', runId, after: {} }));
      resolve();
    });
    ws.once('error', reject);
  });
  return w;
}

interface Memory {
  rssKb: number;
  hwmKb: number;
}

async function memoryOf(pid: number): Promise<Memory> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
}

/** An `orca worker` process of its own, so its memory is the worker's alone. */
function startWorkerProcess(app: TestApp): { pid: number; stop(): Promise<void> } {
  const extra = process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...extra, '--import', 'tsx', 'src/main.ts', 'worker', '--concurrency', '4'],
    {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env,
        DATABASE_URL: app.database.url,
        ORCA_HOME: app.config.home,
        ORCA_LOG_LEVEL: 'error',
        ORCA_OUTPUT_LIMIT_BYTES: String(BYTES + 64 * 1024 * 1024),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (child.pid === undefined) throw new Error('could not start the worker');
  return {
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  console.log(
    `logs: ${(BYTES / 1024 / 1024).toFixed(0)} MiB from one sshd host through orca and over bare ssh2`,
  );
  const [app, sshd] = await Promise.all([
    startTestApp({ worker: false, env: { ORCA_LOG_LEVEL: 'silent' } }),
    startSshd(),
  ]);
  await registerSshd(app, sshd, 'flood');
  const worker = startWorkerProcess(app);
  try {
    // Warm-up: first contact records the host key, the worker connects and compiles.
    const warm = await startRun(app, 'echo ready', ['flood']);
    await waitForRun(app, warm.id, 120_000);

    const floor = await ssh2Read(sshd, FLOOD);
    if (floor.bytes !== BYTES) throw new Error(`ssh2 read ${floor.bytes} bytes, expected ${BYTES}`);

    const cpu = async () => {
      const u = process.cpuUsage();
      return {
        worker: await processCpuMs(worker.pid, false),
        server: (u.user + u.system) / 1000,
        postgres: await ownPostgresCpuMs(),
      };
    };
    const cpu0 = await cpu();
    const t0 = performance.now();
    const run = await startRun(app, FLOOD_WITH_CLOCK, ['flood']);
    const w = await watch(app, run.id);
    const samples: { at: string; m: Memory }[] = [];
    let peakRss = 0;
    const marks = [0.25, 0.5, 0.75];
    const sampler = setInterval(() => {
      void memoryOf(worker.pid).then((m) => {
        peakRss = Math.max(peakRss, m.rssKb);
        while (marks.length > 0 && w.stdoutBytes >= (marks[0] ?? 1) * BYTES) {
          samples.push({ at: `${((marks.shift() ?? 0) * 100).toFixed(0)} %`, m });
        }
      });
    }, 100);
    const done = await waitForRun(app, run.id, 3_600_000);
    const orcaMs = performance.now() - t0;
    samples.push({ at: '100 % (run final)', m: await memoryOf(worker.pid) });
    clearInterval(sampler);
    await waitFor(() => w.stdoutBytes >= BYTES, 600_000);
    const streamedMs = performance.now() - t0;
    const cpu1 = await cpu();
    w.close();
    const e = done.executions[0];
    if (done.status !== 'succeeded' || !e || e.outputBytes < BYTES || e.truncatedBytes !== 0)
      throw new Error(`flood run: ${JSON.stringify(done.executions)}`);

    const quiet = await startRun(app, QUIET, ['flood']);
    const q = await watch(app, quiet.id);
    await waitForRun(app, quiet.id, 120_000);
    await waitFor(() => q.latencies.length >= QUIET_LINES, 30_000);
    q.close();

    const mb = BYTES / 1e6;
    console.log('');
    console.log('throughput            MB/s   vs ssh2   seconds');
    console.log(
      `ssh2 exec (floor)  ${mbps(BYTES, floor.ms).toFixed(1).padStart(7)}     1.00x  ${(floor.ms / 1000).toFixed(1)}`,
    );
    for (const [name, ms] of [
      ['orca, stored', orcaMs],
      ['orca, streamed', streamedMs],
    ] as const) {
      console.log(
        `${name.padEnd(17)}  ${mbps(BYTES, ms).toFixed(1).padStart(7)}  ${(mbps(BYTES, ms) / mbps(BYTES, floor.ms)).toFixed(2).padStart(7)}x  ${(ms / 1000).toFixed(1)}`,
      );
    }
    console.log(
      `(${mb.toFixed(0)} MB; stored: launch to run final; streamed: to the last byte at the client)`,
    );
    const cpuS = (k: keyof typeof cpu0) => ((cpu1[k] - cpu0[k]) / 1000).toFixed(1);
    console.log(
      `CPU s during the flood: worker ${cpuS('worker')}, server + client ${cpuS('server')}, PostgreSQL ${cpuS('postgres')}`,
    );
    console.log('');
    console.log('worker memory           VmRSS MB  VmHWM MB');
    for (const s of samples)
      console.log(
        `${s.at.padEnd(22)}  ${(s.m.rssKb / 1024).toFixed(0).padStart(8)}  ${(s.m.hwmKb / 1024).toFixed(0).padStart(8)}`,
      );
    console.log(`(highest VmRSS sampled every 100 ms: ${(peakRss / 1024).toFixed(0)} MB)`);
    console.log('');
    console.log('latency remote write → WebSocket client   lines  median ms  p99 ms  max ms');
    for (const [name, l] of [
      ['during the flood', w.latencies],
      ['quiet', q.latencies],
    ] as const) {
      console.log(
        `${name.padEnd(40)}  ${String(l.length).padStart(5)}  ${quantile(l, 0.5).toFixed(0).padStart(9)}  ${quantile(l, 0.99).toFixed(0).padStart(6)}  ${Math.max(
          ...l,
        )
          .toFixed(0)
          .padStart(6)}`,
      );
    }
  } finally {
    await worker.stop();
    await app.stop();
    await sshd.stop();
  }
}

await main();
process.exit(0);
