/**
 * Fan-out: `true` on N hosts through orca (API → queue → worker → SSH → stored output → final
 * status) against the baseline of raw ssh2 (N parallel connect + exec), side by side.
 * The hosts are names for one local sshd, so both sides pay the same handshakes.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/fanout.ts [hosts] [rounds]
 */
import { Client } from 'ssh2';
import { startTestApp } from '../test/support/app.ts';
import { addHost, addPasswordCredential, startRun, waitForRun } from '../test/support/fleet.ts';
import { startSshd } from '../test/support/sshd.ts';

const hosts = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 5);

function rawExec(port: number, user: string, password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () =>
      c.exec('true', (err, stream) => {
        if (err) return reject(err);
        stream.on('close', () => {
          c.end();
          resolve();
        });
        stream.resume();
      }),
    );
    c.on('error', reject);
    c.connect({ host: '127.0.0.1', port, username: user, password, hostVerifier: () => true });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const [app, sshd] = await Promise.all([
  startTestApp({ env: { ORCA_WORKER_CONCURRENCY: '16' } }),
  startSshd(),
]);
try {
  const cred = await addPasswordCredential(app, 'bench', sshd.password);
  const names: string[] = [];
  for (let i = 0; i < hosts; i++) {
    names.push(`bench-${i}`);
    await addHost(app, { name: `bench-${i}`, port: sshd.port, username: sshd.user, credentialId: cred });
  }
  // Warm up both paths once (first contact records host keys; JIT).
  await waitForRun(app, (await startRun(app, 'true', names)).id);
  await Promise.all(names.map(() => rawExec(sshd.port, sshd.user, sshd.password)));

  const orca: number[] = [];
  const raw: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    await Promise.all(names.map(() => rawExec(sshd.port, sshd.user, sshd.password)));
    raw.push(performance.now() - t);
    t = performance.now();
    const run = await waitForRun(app, (await startRun(app, 'true', names)).id);
    orca.push(performance.now() - t);
    if (run.status !== 'succeeded') throw new Error(`run ${run.id} ${run.status}`);
  }
  const o = median(orca);
  const b = median(raw);
  console.log(`fan-out of \`true\` to ${hosts} hosts, median of ${rounds} rounds`);
  console.log(`  raw ssh2 (new connection each): ${b.toFixed(0)} ms`);
  console.log(`  orca run (API to final status):  ${o.toFixed(0)} ms`);
  console.log(`  ratio orca / raw: ${(o / b).toFixed(2)}x`);
  console.log('  (orca reuses pooled SSH connections across runs; the raw baseline handshakes every time)');
} finally {
  await app.stop();
  await sshd.stop();
}
