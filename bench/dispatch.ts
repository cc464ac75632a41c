/**
 * Dispatch throughput: executions per second through orca's queue path (API → run and its queue
 * tasks in one transaction → worker claims → a no-op `local` step → outcome stored → run final),
 * one worker at concurrency C, against graphile-worker's own throughput measured in the same run:
 * the same number of no-op tasks added with `graphile_worker.add_jobs` (in as many batches as
 * orca has runs) and run by one graphile worker at the same concurrency, `localQueue` off as orca
 * uses it, and on for reference.
 *
 *   npm run bench:dispatch -- --runs 5 --hosts 200 --concurrency 100 --rounds 3
 *
 * The no-op step is `true`, run by /bin/sh on the worker (a process spawn per execution: that is
 * what a local step is). Uses a PostgreSQL of its own (embedded) unless --shared-db, where it
 * takes DATABASE_URL's server.
 */
import { parseArgs } from 'node:util';
import { type Runner, run } from 'graphile-worker';
import pg from 'pg';
import { quietLogger } from '../src/db/migrate.ts';
import { startTestApp, type TestApp } from '../test/support/app.ts';
import { createTestDatabase } from '../test/support/db.ts';
import { countStatements, statementCounts, statementDelta } from './statements.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    hosts: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    'local-queue-size': { type: 'string', default: '200' },
    'shared-db': { type: 'boolean', default: false },
    statements: { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const HOSTS = Number(args.hosts);
const CONCURRENCY = Number(args.concurrency);
const ROUNDS = Number(args.rounds);
const LOCAL_QUEUE = Number(args['local-queue-size']);
const TOTAL = RUNS * HOSTS;
if (!args['shared-db']) delete process.env.DATABASE_URL;
if (args.statements) countStatements();

const JOB = `name: bench-noop
steps:
  - name: nothing
    type: local
    command: "true"
`;

/** Waits until `done()` is true, checking every `everyMs`. */
async function until(done: () => Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function orcaRound(app: TestApp, jobId: string, hostNames: readonly string[]): Promise<number> {
  const db = new pg.Client({ connectionString: app.database.url });
  await db.connect();
  try {
    const t0 = performance.now();
    const ids = await Promise.all(
      Array.from({ length: RUNS }, async () => {
        const res = await app.api(`/jobs/${jobId}/runs`, { body: { targets: { hosts: hostNames } } });
        if (res.status !== 201) throw new Error(`launch: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { id: string }).id;
      }),
    );
    await until(async () => {
      const r = await db.query<{ n: string }>(
        `select count(*) as n from runs where id = any($1) and status in ('succeeded', 'failed', 'canceled')`,
        [ids],
      );
      return Number(r.rows[0]?.n) === ids.length;
    }, 600_000);
    const ms = performance.now() - t0;
    const bad = await db.query(
      `select count(*) as n from executions where run_id = any($1) and status <> 'succeeded'`,
      [ids],
    );
    if (Number(bad.rows[0]?.n) > 0) throw new Error(`${bad.rows[0]?.n} executions did not succeed`);
    return ms;
  } finally {
    await db.end();
  }
}

interface RawQueue {
  round(): Promise<number>;
  stop(): Promise<void>;
}

/** graphile-worker alone: no-op tasks, added in RUNS batches of HOSTS. */
async function rawQueue(url: string, localQueue: boolean): Promise<RawQueue> {
  const pool = new pg.Pool({ connectionString: url, max: Math.min(CONCURRENCY + 4, 50) });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  let done = 0;
  let wake: (() => void) | null = null;
  const runner: Runner = await run({
    pgPool: pool,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 1000,
    logger: quietLogger((m) => console.error(`queue error: ${m}`)),
    ...(localQueue && { preset: { worker: { localQueue: { size: LOCAL_QUEUE } } } }),
    taskList: {
      noop: async () => {
        done++;
        if (done >= TOTAL) wake?.();
      },
    },
  });
  return {
    async round() {
      done = 0;
      const finished = new Promise<void>((r) => {
        wake = r;
      });
      const t0 = performance.now();
      const specs = JSON.stringify(
        Array.from({ length: HOSTS }, (_, i) => ({ identifier: 'noop', payload: { i }, max_attempts: 1 })),
      );
      await Promise.all(
        Array.from({ length: RUNS }, () =>
          pool.query(
            `select count(*) from graphile_worker.add_jobs(array(
               select json_populate_recordset(null::graphile_worker.job_spec, $1::json)))`,
            [specs],
          ),
        ),
      );
      await finished;
      return performance.now() - t0;
    },
    async stop() {
      await runner.stop();
      await pool.end();
    },
  };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  console.log(
    `dispatch: ${RUNS} runs × ${HOSTS} hosts = ${TOTAL} executions per round, one worker, concurrency ${CONCURRENCY}, ${ROUNDS} rounds`,
  );
  const app = await startTestApp({ worker: false, env: { ORCA_LOG_LEVEL: 'silent' } });
  const rawDb = await createTestDatabase();
  const rawDbOn = await createTestDatabase();
  const samples = new Map<string, number[]>();
  const add = (name: string, ms: number) => samples.set(name, [...(samples.get(name) ?? []), ms]);
  try {
    const cred = await app.api('/credentials', {
      body: { name: 'bench-pw', kind: 'password', password: 'not-used-by-local-steps' },
    });
    const credentialId = ((await cred.json()) as { id: string }).id;
    const names: string[] = [];
    for (let i = 0; i < HOSTS; i++) {
      const name = `noop-${i}`;
      const res = await app.api('/hosts', {
        body: { name, address: '127.0.0.1', port: 1, username: 'nobody', credentialId },
      });
      if (res.status !== 201) throw new Error(`host ${name}: ${await res.text()}`);
      names.push(name);
    }
    const job = await app.api('/jobs', { body: { document: JOB } });
    if (job.status !== 201) throw new Error(`job: ${job.status} ${await job.text()}`);
    const jobId = ((await job.json()) as { job: { id: string } }).job.id;
    const worker = await app.startWorker(CONCURRENCY);
    const off = await rawQueue(rawDb.url, false);
    const on = await rawQueue(rawDbOn.url, true);
    try {
      // Warm-up (JIT, connections, plans), not counted.
      await orcaRound(app, jobId, names);
      await off.round();
      await on.round();
      for (let round = 0; round < ROUNDS; round++) {
        const s0 = statementCounts();
        add('orca', await orcaRound(app, jobId, names));
        if (args.statements && round === 0) {
          const delta = statementDelta(s0, statementCounts());
          const total = delta.reduce((n, [, c]) => n + c, 0);
          console.log(`statements in one orca round: ${(total / TOTAL).toFixed(1)} per execution`);
          for (const [text, n] of delta.slice(0, 20))
            console.log(`${(n / TOTAL).toFixed(2).padStart(7)}  ${text}`);
        }
        add('graphile-worker, localQueue off', await off.round());
        add(`graphile-worker, localQueue ${LOCAL_QUEUE}`, await on.round());
      }
    } finally {
      await Promise.all([worker.stop(), off.stop(), on.stop()]);
    }
  } finally {
    await app.stop();
    await rawDb.drop();
    await rawDbOn.drop();
  }
  const rate = (ms: number) => TOTAL / (ms / 1000);
  const rawOff = median((samples.get('graphile-worker, localQueue off') ?? []).map(rate));
  const header = ['what', 'per s (median)', 'min–max', 'vs queue (off)'];
  const rows = [...samples.entries()].map(([name, ms]) => {
    const rates = ms.map(rate);
    return [
      name,
      median(rates).toFixed(0),
      `${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}`,
      `${(median(rates) / rawOff).toFixed(2)}x`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

await main();
process.exit(0);
