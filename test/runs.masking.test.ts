/**
 * Output masking end to end on a real sshd: the login password (also sudo's), a key's
 * passphrase and `secret` parameters (one a prefix of another) are `***` in stdout and stderr,
 * also when the host prints them in two or three pieces; in a step's failure message and an
 * artifact's name; and identically in the stored rows and on the live WebSocket stream.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import type { ServerMessage } from '../src/http/stream-protocol.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { addHost, registerSshd } from './support/fleet.ts';
import { createJob, events, type JobRunView, launch, waitForJobRun } from './support/jobs.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

let app: TestApp;
let sshd: SshdHandle;
const SHORT = `sec${randomBytes(6).toString('hex')}`;
/** SHORT is a prefix of LONG: LONG must be masked whole, never as `***` plus its tail. */
const LONG = `${SHORT}tail${randomBytes(4).toString('hex')}`;

before(async () => {
  [app, sshd] = await Promise.all([startTestApp(), startSshd()]);
  await registerSshd(app, sshd, 'pw-host');
  const key = await app.api('/credentials', {
    body: {
      name: 'enc-key',
      kind: 'ssh-key',
      privateKey: sshd.clientKeys.encrypted,
      passphrase: sshd.clientKeys.passphrase,
    },
  });
  const body = await key.text();
  assert.equal(key.status, 201, body);
  const { id } = JSON.parse(body) as { id: string };
  await addHost(app, { name: 'key-host', port: sshd.port, username: sshd.user, credentialId: id });
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
});

/** Shell text printing `value` in three pieces with pauses between, so they leave as separate chunks. */
function inPieces(value: string, fd: 1 | 2): string {
  const a = Math.floor(value.length / 3);
  const b = Math.floor((2 * value.length) / 3);
  const parts = [value.slice(0, a), value.slice(a, b), value.slice(b)];
  return `${parts.map((p) => `printf '%s' '${p}' >&${fd}`).join('; sleep 0.3; ')}; echo >&${fd}`;
}

type StreamEvent = Extract<ServerMessage, { type: 'event' }>['event'];

/** Everything the live stream sends for a run until its final snapshot and a short quiet time after. */
async function watch(runId: string): Promise<{ events: StreamEvent[]; run: () => Promise<void> }> {
  const got: StreamEvent[] = [];
  let final = false;
  const ws = new WebSocket(`${app.url.replace('http', 'ws')}/api/v1/stream`, {
    headers: { authorization: `Bearer ${app.token}` },
  });
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as ServerMessage;
    if (m.type === 'event') got.push(m.event);
    if (m.type === 'run' && ['succeeded', 'failed', 'canceled'].includes(m.run.status)) final = true;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'subscribe', runId }));
      resolve();
    });
    ws.once('error', reject);
  });
  return {
    events: got,
    async run() {
      const deadline = Date.now() + 60_000;
      while (!final && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      ws.close();
    },
  };
}

const joined = (
  list: readonly { kind: string; data: string; step: number | null }[],
  kind: string,
  step: number,
) =>
  list
    .filter((e) => e.kind === kind && e.step === step)
    .map((e) => e.data)
    .join('');

async function runOn(host: string, document: string): Promise<{ run: JobRunView; streamed: StreamEvent[] }> {
  const job = await createJob(app, document);
  const launched = await launch(app, job.id, {
    parameters: { short: SHORT, long: LONG },
    targets: { hosts: [host] },
  });
  const stream = await watch(launched.id);
  const run = await waitForJobRun(app, launched.id);
  await stream.run();
  return { run, streamed: stream.events };
}

const PARAMS = `parameters:
  short: { type: secret, required: true }
  long: { type: secret, required: true }
`;

test('the login (and sudo) password and secret parameters are masked in stdout, stderr, errors and artifact names', async () => {
  const { run, streamed } = await runOn(
    'pw-host',
    `name: mask-password
${PARAMS}steps:
  - name: Password
    type: exec
    command: |
      ${inPieces(sshd.password, 1)}
      ${inPieces(sshd.password, 2)}
  - name: Params
    type: exec
    command: |
      echo \${{ parameters.long }} \${{ parameters.short }}
      ${inPieces(LONG, 2)}
  - name: File
    type: exec
    command: |
      echo data > /tmp/orca-mask-$$.txt; echo /tmp/orca-mask-$$.txt
  - name: Fetch
    type: download
    source: '\${{ steps.file.stdout }}'
    artifact: 'art-\${{ parameters.short }}.txt'
  - { name: Clean, type: exec, command: 'rm -f \${{ steps.file.stdout }}' }
  - name: Missing
    type: download
    source: '/nonexistent/\${{ parameters.long }}'
`,
  );
  const e = run.executions[0]!;
  assert.deepEqual(
    e.steps.map((s) => s.status),
    ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed'],
    JSON.stringify(e.steps),
  );
  const stored = await events(app, run.id, e.id);
  for (const [name, list] of [
    ['stored', stored],
    ['streamed', streamed],
  ] as const) {
    assert.equal(joined(list, 'stdout', 0), '***\n', `${name}: password in three stdout chunks`);
    assert.equal(joined(list, 'stderr', 0), '***\n', `${name}: password in three stderr chunks`);
    assert.equal(joined(list, 'stdout', 1), '*** ***\n', `${name}: overlapping parameters`);
    assert.equal(joined(list, 'stderr', 1), '***\n', `${name}: the longer one in pieces, masked whole`);
  }
  assert.deepEqual(
    streamed.filter((x) => x.kind !== 'status').map((x) => [x.seq, x.data]),
    stored.filter((x) => x.kind !== 'status').map((x) => [x.seq, x.data]),
    'the stream sends what is stored',
  );
  assert.deepEqual(
    run.artifacts.map((a) => a.name),
    ['art-***.txt'],
  );
  const missing = e.steps[5]!;
  assert.match(missing.failureMessage ?? '', /\/nonexistent\/\*\*\*/);
  const everything = JSON.stringify([run, stored, streamed]);
  for (const secret of [sshd.password, SHORT, LONG]) assert.ok(!everything.includes(secret), secret);
});

test("a key's passphrase is masked like a password", async () => {
  const { run, streamed } = await runOn(
    'key-host',
    `name: mask-passphrase
${PARAMS}steps:
  - name: Passphrase
    type: exec
    command: |
      ${inPieces(sshd.clientKeys.passphrase, 1)}
`,
  );
  const e = run.executions[0]!;
  assert.equal(run.status, 'succeeded', JSON.stringify(run.executions));
  const stored = await events(app, run.id, e.id);
  assert.equal(joined(stored, 'stdout', 0), '***\n');
  assert.equal(joined(streamed, 'stdout', 0), '***\n');
});
