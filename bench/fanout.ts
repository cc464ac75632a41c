/**
 * Fan-out: one command on N SSH hosts (real sshd processes on 127.0.x.y addresses) through the
 * whole of orca (API → queue → worker → SSH → stored output → final status) and, in the same run
 * and at the same concurrency, through a bare ssh2 client (the floor), `ansible -m raw` and
 * `parallel-ssh` when they are installed. Prints wall time, controller CPU per host (everything
 * on the tool's side: for orca its server, worker and PostgreSQL; for Ansible and parallel-ssh
 * their ssh processes) measured apart from the sshd processes, and the ratios to the floor.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:fanout -- --hosts 200
 *   options: --hosts N (50) --concurrency C (min(N, 100)) --rounds R (3) --command CMD (whoami)
 *
 *   --shared-db: use DATABASE_URL's server (PostgreSQL CPU is then every postgres process on the
 *   machine) instead of an embedded PostgreSQL of the benchmark's own; --statements: print the
 *   SQL statements per host of the first orca round; --skip-others: no ansible, parallel-ssh.
 *
 * Each orca round starts a fresh worker, so every host is a new SSH connection as for the other
 * tools; a last "warm" round reuses the worker's pooled connections.
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { Client } from 'ssh2';
import { startTestApp, type TestApp } from '../test/support/app.ts';
import { type RunView, waitForRun } from '../test/support/fleet.ts';
import { createJob, launch, waitForJobRun } from '../test/support/jobs.ts';
import { ownPostgresCpuMs, postgresCpuMs, selfCpuMs } from './cpu.ts';
import { type SshdFleet, startSshdFleet } from './sshd-fleet.ts';
import { countStatements, statementCounts, statementDelta } from './statements.ts';

const { values: args } = parseArgs({
  options: {
    hosts: { type: 'string', default: '50' },
    concurrency: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    command: { type: 'string', default: 'whoami' },
    'shared-db': { type: 'boolean', default: false },
    statements: { type: 'boolean', default: false },
    'skip-others': { type: 'boolean', default: false },
  },
});
// PostgreSQL of its own (embedded) unless --shared-db: its CPU is then only orca's, not that of
// whatever else uses the machine's server.
const SHARED_DB = args['shared-db'] === true;
if (!SHARED_DB) delete process.env.DATABASE_URL;
if (args.statements) countStatements();
const HOSTS = Number(args.hosts);
const CONCURRENCY = Number(args.concurrency ?? Math.min(HOSTS, 100));
const ROUNDS = Number(args.rounds);
const COMMAND = args.command ?? 'whoami';

interface Sample {
  readonly wallMs: number;
  /** The tool's own CPU (client process, its children; for orca also PostgreSQL). */
  readonly controllerMs: number;
  readonly sshdMs: number;
  /** Of controllerMs, PostgreSQL's (orca only). */
  readonly pgMs: number;
}

/** Runs `fn` while reading the CPU counters before and after. */
async function measure(
  fleet: SshdFleet,
  controller: () => Promise<number>,
  fn: () => Promise<void>,
  /** Untimed, but counted: e.g. closing pooled connections, so their sshd processes are reaped. */
  after?: () => Promise<void>,
  postgres: () => Promise<number> = async () => 0,
): Promise<Sample> {
  const [c0, s0, p0] = [await controller(), await fleet.cpuMs(), await postgres()];
  const t0 = performance.now();
  await fn();
  const wallMs = performance.now() - t0;
  await after?.();
  // Per-connection sshd processes are reaped by their listener a moment after they end.
  await new Promise((r) => setTimeout(r, 300));
  const [c1, s1, p1] = [await controller(), await fleet.cpuMs(), await postgres()];
  return { wallMs, controllerMs: c1 - c0, sshdMs: s1 - s0, pgMs: p1 - p0 };
}

const processCpu = async () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(lanes);
}

/** The floor: a bare ssh2 client, one new connection per host, TCP_NODELAY as orca does. */
function ssh2Exec(fleet: SshdFleet, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: address, port: fleet.port, noDelay: true });
    const c = new Client();
    c.on('ready', () =>
      c.exec(COMMAND, (err, stream) => {
        if (err) return reject(err);
        let out = '';
        stream.on('data', (d: Buffer) => {
          out += d.toString();
        });
        stream.stderr.resume();
        stream.on('close', (code: number) => {
          c.end();
          if (code !== 0 || !out) reject(new Error(`${address}: exit ${code}`));
          else resolve();
        });
      }),
    );
    c.on('error', reject);
    c.connect({ sock, username: fleet.user, privateKey: fleet.privateKey, hostVerifier: () => true });
  });
}

type TimedRun = Omit<RunView, 'executions'> & { executions: (RunView['executions'][number] & Timed)[] };
interface Timed {
  readonly startedAt: string;
  readonly finishedAt: string;
}

async function orcaRun(app: TestApp, names: readonly string[]): Promise<TimedRun> {
  const t0 = Date.now();
  const res = await app.api('/runs', { body: { command: COMMAND, targets: { hosts: names } } });
  if (res.status !== 201) throw new Error(`run: ${res.status} ${await res.text()}`);
  const id = ((await res.json()) as RunView).id;
  // The run's row, read directly: polling GET /runs/{id} would add the client's own cost to orca's.
  for (const deadline = Date.now() + 600_000; ; ) {
    const { rows } = await app.database.handle.pool.query<{ status: string }>(
      'select status from runs where id = $1',
      [id],
    );
    if (['succeeded', 'failed', 'canceled'].includes(rows[0]?.status ?? '')) break;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${rows[0]?.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const seen = Date.now();
  const run = (await waitForRun(app, id, 60_000)) as TimedRun;
  if (run.status !== 'succeeded') {
    const bad = run.executions.filter((e) => e.status !== 'succeeded').slice(0, 3);
    throw new Error(`orca run ${run.status}: ${JSON.stringify(bad)}`);
  }
  // Where the wall time went: hosts starting (claimed by the worker), running, the run seen final.
  const at = (t: string) => Date.parse(t) - t0;
  const started = run.executions.map((e) => at(e.startedAt));
  const took = run.executions.map((e) => Date.parse(e.finishedAt) - Date.parse(e.startedAt));
  const finished = run.executions.map((e) => at(e.finishedAt));
  console.log(
    `  orca timeline ms: started p50 ${median(started)} max ${Math.max(...started)}; ` +
      `per host p50 ${median(took)} max ${Math.max(...took)}; last finished ${Math.max(...finished)}; seen final ${seen - t0}`,
  );
  return run;
}

/**
 * Fills a new worker's database pool without touching any host: a `local` step on every host at
 * the worker's concurrency. A worker's pool is warm in service; a new one would otherwise open its
 * connections (a backend fork and a SCRAM exchange each, ~35 ms of CPU here) inside the timed round.
 */
async function warmDatabasePool(app: TestApp, job: { id: string }, names: readonly string[]): Promise<void> {
  const run = await launch(app, job.id, { targets: { hosts: [...names] } });
  const done = await waitForJobRun(app, run.id, 600_000);
  if (done.status !== 'succeeded') throw new Error(`warm-up run ${done.status}`);
}

function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

const childrenCpu = async () => (await selfCpuMs(true)) - (await selfCpuMs(false));

function runTool(argv: string[], env: Record<string, string> = {}): void {
  const r = spawnSync(argv[0] as string, argv.slice(1), {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`${argv[0]} exited ${r.status}: ${(r.stderr || r.stdout).slice(-2000)}`);
}

function printStatements(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): void {
  const delta = statementDelta(before, after);
  const total = delta.reduce((n, [, c]) => n + c, 0);
  console.log(`statements in one orca round: ${total} (${(total / HOSTS).toFixed(1)} per host)`);
  for (const [text, n] of delta.slice(0, 25)) console.log(`${(n / HOSTS).toFixed(2).padStart(7)}  ${text}`);
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  console.log(
    `fan-out: \`${COMMAND}\` on ${HOSTS} hosts, concurrency ${CONCURRENCY}, ${ROUNDS} rounds (medians)`,
  );
  const fleet = await startSshdFleet(HOSTS);
  const app = await startTestApp({
    worker: false,
    env: { ORCA_LOG_LEVEL: 'silent', ORCA_CONNECT_TIMEOUT_MS: '60000' },
  });
  const results = new Map<string, Sample[]>();
  const add = (name: string, s: Sample) => results.set(name, [...(results.get(name) ?? []), s]);
  try {
    const cred = await app.api('/credentials', {
      body: { name: 'bench-key', kind: 'ssh-key', privateKey: fleet.privateKey },
    });
    const credentialId = ((await cred.json()) as { id: string }).id;
    const names: string[] = [];
    for (const [i, address] of fleet.addresses.entries()) {
      const name = `bench-${i}`;
      const res = await app.api('/hosts', {
        body: { name, address, port: fleet.port, username: fleet.user, credentialId },
      });
      if (res.status !== 201) throw new Error(`host ${name}: ${await res.text()}`);
      names.push(name);
    }
    const warmJob = await createJob(
      app,
      'name: warm-pool\nsteps:\n  - name: nothing\n    type: local\n    command: "true"\n',
    );
    // Warm-up: orca records every host key (first contact), and both sides get JIT-compiled.
    {
      const w = await app.startWorker(CONCURRENCY);
      await orcaRun(app, names);
      await w.stop();
      await inParallel(fleet.addresses, CONCURRENCY, (a) => ssh2Exec(fleet, a));
    }
    const pgCpu = () => (SHARED_DB ? postgresCpuMs() : ownPostgresCpuMs());
    const orcaCpu = async () => (await processCpu()) + (await pgCpu());
    const tools: { name: string; run: () => Promise<void> }[] = [];
    const inventory = `${fleet.privateKeyPath}.inventory`;
    if (!args['skip-others'] && installed('ansible')) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        inventory,
        `${fleet.addresses.map((a, i) => `bench-${i} ansible_host=${a} ansible_port=${fleet.port}`).join('\n')}\n`,
      );
      tools.push({
        name: 'ansible -m raw',
        run: async () =>
          runTool(
            [
              'ansible',
              'all',
              '-i',
              inventory,
              '-m',
              'raw',
              '-a',
              COMMAND,
              '-f',
              String(CONCURRENCY),
              '-u',
              fleet.user,
              '--private-key',
              fleet.privateKeyPath,
            ],
            {
              ANSIBLE_HOST_KEY_CHECKING: 'False',
              // Every run a new connection, as for the others (no ControlPersist master).
              ANSIBLE_SSH_ARGS: '-o ControlMaster=no -o UserKnownHostsFile=/dev/null',
              ANSIBLE_STDOUT_CALLBACK: 'minimal',
              ANSIBLE_LOCAL_TEMP: '/tmp/orca-bench-ansible',
            },
          ),
      });
    }
    if (!args['skip-others'] && installed('parallel-ssh')) {
      const { writeFile } = await import('node:fs/promises');
      const hostsFile = `${fleet.privateKeyPath}.pssh`;
      await writeFile(hostsFile, `${fleet.addresses.map((a) => `${a}:${fleet.port}`).join('\n')}\n`);
      tools.push({
        name: 'parallel-ssh',
        run: async () =>
          runTool([
            'parallel-ssh',
            '-h',
            hostsFile,
            '-p',
            String(CONCURRENCY),
            '-l',
            fleet.user,
            '-x',
            `-i ${fleet.privateKeyPath} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes`,
            COMMAND,
          ]),
      });
    }
    for (let round = 0; round < ROUNDS; round++) {
      add(
        'ssh2 (floor)',
        await measure(fleet, processCpu, () =>
          inParallel(fleet.addresses, CONCURRENCY, (a) => ssh2Exec(fleet, a)),
        ),
      );
      const worker = await app.startWorker(CONCURRENCY);
      await warmDatabasePool(app, warmJob, names);
      const s0 = statementCounts();
      add(
        'orca',
        await measure(fleet, orcaCpu, async () => void (await orcaRun(app, names)), undefined, pgCpu),
      );
      if (args.statements && round === 0) printStatements(s0, statementCounts());
      if (round === ROUNDS - 1) {
        add(
          'orca, pooled connections',
          await measure(fleet, orcaCpu, async () => void (await orcaRun(app, names)), undefined, pgCpu),
        );
      }
      await worker.stop();
      for (const tool of tools) add(tool.name, await measure(fleet, childrenCpu, tool.run));
    }
  } finally {
    await app.stop();
    await fleet.stop();
  }
  const floor = results.get('ssh2 (floor)') ?? [];
  const floorWall = median(floor.map((s) => s.wallMs));
  const floorCpu = median(floor.map((s) => s.controllerMs)) / HOSTS;
  const rows = [...results.entries()].map(([name, samples]) => {
    const wall = median(samples.map((s) => s.wallMs));
    const cpu = median(samples.map((s) => s.controllerMs)) / HOSTS;
    const sshd = median(samples.map((s) => s.sshdMs)) / HOSTS;
    const pgShare = median(samples.map((s) => s.pgMs)) / HOSTS;
    const walls = samples.map((s) => s.wallMs);
    return [
      name,
      wall.toFixed(0),
      `${Math.min(...walls).toFixed(0)}–${Math.max(...walls).toFixed(0)}`,
      `${(wall / floorWall).toFixed(2)}x`,
      cpu.toFixed(1),
      `${(cpu / floorCpu).toFixed(2)}x`,
      pgShare > 0 ? pgShare.toFixed(1) : '',
      sshd.toFixed(1),
    ];
  });
  const header = [
    'tool',
    'wall ms',
    'min–max',
    'wall/floor',
    'CPU ms/host',
    'CPU/ssh2',
    'of it PostgreSQL',
    'sshd CPU ms/host',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  for (const t of ['ansible', 'parallel-ssh'])
    if (!installed(t)) console.log(`(${t} not installed: not measured)`);
}

await main();
process.exit(0);
