/**
 * Bad hosts in one run with a good one, on a real worker process: a host that accepts TCP and
 * never speaks SSH, one whose sshd dies mid-command, one that floods output. Each ends in its
 * failure kind (or, for the flood, succeeds with its output capped) without holding up the good
 * host, and the worker's memory stays bounded while the flood passes through it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import {
  addHost,
  addPasswordCredential,
  output,
  registerSshd,
  startRun,
  waitForRun,
} from './support/fleet.ts';
import { waitFor } from './support/orca-processes.ts';
import { type SshdHandle, startSilentTcpServer, startSshd } from './support/sshd.ts';

const CONNECT_TIMEOUT_MS = 10_000;
const LIMIT = 1024 * 1024;
const FLOOD = 100 * 1024 * 1024;

let app: TestApp;
let normal: SshdHandle;
let dropping: SshdHandle;
let flooding: SshdHandle;
let silent: { port: number; stop(): Promise<void> };

before(async () => {
  [app, normal, dropping, flooding, silent] = await Promise.all([
    startTestApp({ worker: false }),
    startSshd(),
    startSshd(),
    startSshd(),
    startSilentTcpServer(),
  ]);
  await registerSshd(app, normal, 'normal');
  await registerSshd(app, dropping, 'dropping');
  await registerSshd(app, flooding, 'flooding');
  const credentialId = await addPasswordCredential(app, 'silent-pw', 'unused');
  await addHost(app, { name: 'silent', port: silent.port, username: 'nobody', credentialId });
});
after(async () => {
  await app?.stop();
  await Promise.all([normal?.stop(), dropping?.stop(), flooding?.stop(), silent?.stop()]);
});

function startWorkerProcess() {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker', '--concurrency', '8'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      DATABASE_URL: app.database.url,
      ORCA_HOME: app.config.home,
      ORCA_LOG_LEVEL: 'silent',
      ORCA_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      ORCA_OUTPUT_LIMIT_BYTES: String(LIMIT),
    },
    stdio: 'ignore',
  });
}

/** Resident and peak resident memory of a process, in bytes (Linux /proc). */
async function memory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

test('a silent host, a host that drops mid-command and a flooding host fail as they should, without holding up a good host', async () => {
  const worker = startWorkerProcess();
  try {
    await waitFor('the worker to register', 60_000, async () => {
      const res = await app.api('/workers');
      const list = (await res.json()) as { state: string }[];
      return list.some((w) => w.state === 'alive') ? true : undefined;
    });
    // Let the freshly started worker settle before taking its memory as the baseline.
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = await memory(worker.pid!);

    // One command for every host; what each does depends on the sshd port it reached.
    const command = [
      'case "${SSH_CONNECTION##* }" in',
      `${flooding.port}) head -c ${FLOOD} /dev/zero | tr '\\0' x ;;`,
      `${dropping.port}) echo started; sleep 300 ;;`,
      '*) echo ok ;;',
      'esac',
    ].join('\n');
    const run = await startRun(app, command, ['normal', 'dropping', 'flooding', 'silent'], 240);
    const id = (name: string) => run.executions.find((e) => e.hostName === name)!.id;

    // The dropping host's sshd dies once its command runs.
    await waitFor('the dropping host to start its command', 60_000, async () =>
      (await output(app, run.id, id('dropping'))).includes('started') ? true : undefined,
    );
    assert.ok((await dropping.killSessions()) > 0, 'no sshd session process to kill');

    const done = await waitForRun(app, run.id, 180_000);
    const peak = (await memory(worker.pid!)).peak;
    const byName = Object.fromEntries(done.executions.map((e) => [e.hostName, e]));
    const detail = JSON.stringify(done.executions, null, 2);

    assert.equal(byName.normal?.status, 'succeeded', detail);
    assert.equal(await output(app, run.id, id('normal')), 'ok\n');

    // Accepts TCP, never answers: a timeout that names the handshake and the configured limit.
    assert.equal(byName.silent?.failureKind, 'timeout', detail);
    assert.match(
      byName.silent?.failureMessage ?? '',
      /timed out after 10s: the TCP connection opened but no SSH handshake/,
    );

    // The connection died under a running command: the host's end closed (protocol) or reset
    // (unreachable), never a timeout, and the message says the command may still run.
    assert.ok(['protocol', 'unreachable'].includes(byName.dropping?.failureKind ?? ''), detail);
    assert.match(byName.dropping?.failureMessage ?? '', /lost while the command was running/);

    // The flood: capped, marked, and the command ran to its end.
    const flood = byName.flooding!;
    assert.equal(flood.status, 'succeeded', detail);
    assert.equal(flood.outputBytes, LIMIT);
    assert.equal(flood.outputBytes + flood.truncatedBytes, FLOOD);
    const events = (await (
      await app.api(`/runs/${run.id}/log?execution=${id('flooding')}&limit=5000`)
    ).json()) as {
      events: { kind: string; data: string }[];
    };
    assert.ok(
      events.events.some(
        (e) =>
          e.kind === 'system' &&
          e.data.includes(`output truncated: ${FLOOD - LIMIT} bytes over the ${LIMIT}-byte limit`),
      ),
      'no truncation marker',
    );
    assert.equal((await output(app, run.id, id('flooding'))).length, LIMIT);

    // The good host was not held up by the slow bad ones (the dropping host fails when the
    // test kills its session, so its moment is the test's choice, not a measure).
    const finished = (name: string) => Date.parse(byName[name]?.finishedAt ?? '');
    for (const bad of ['silent', 'flooding']) {
      assert.ok(finished('normal') < finished(bad), `normal finished after ${bad}: ${detail}`);
    }

    // 100 MiB went through the worker; it held on to a part of it at most (garbage buffers
    // wait for the collector, which V8 runs after some 64 MiB of external memory).
    assert.ok(
      peak - baseline.rss < FLOOD * 0.8,
      `worker peak memory grew by ${Math.round((peak - baseline.rss) / 1048576)} MiB`,
    );
    assert.equal(worker.exitCode, null, 'the worker died');
  } finally {
    if (worker.exitCode === null) worker.kill('SIGKILL');
  }
});
