/**
 * Secret parameters on Windows hosts over WinRM (the test server): the value reaches the command
 * in its shell's environment (rsp:Environment of a shell created for that command alone), never
 * in the command line the server received, and is masked in the stored output.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { scriptFromInvocation } from '../src/connectors/windows/powershell.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { addPasswordCredential } from './support/fleet.ts';
import { createJob, events, launch, waitForJobRun } from './support/jobs.ts';
import { DEFAULT_USER, startWinrmServer, type WinrmTestServer } from './support/winrm-server/index.ts';

const MARK = `tok${randomBytes(8).toString('hex')}`;
const HOSTILE = `${MARK} it's "$(whoami)" \`t \\ back\\\\ ünï ✓ \u2019q\u2019 & | < >`;
let app: TestApp;
let win: WinrmTestServer;

before(async () => {
  [app, win] = await Promise.all([startTestApp(), startWinrmServer()]);
  const credentialId = await addPasswordCredential(app, 'win-pw', DEFAULT_USER.password);
  for (const [name, shell] of [
    ['win-ps', 'powershell'],
    ['win-cmd', 'cmd'],
  ] as const) {
    const res = await app.api('/hosts', {
      body: {
        name,
        address: '127.0.0.1',
        os: 'windows',
        shell,
        port: win.port,
        username: DEFAULT_USER.username,
        credentialId,
      },
    });
    assert.equal(res.status, 201, await res.text());
  }
});
after(async () => {
  await app?.stop();
  await win?.close();
});

/** Every command line the server was given, and the scripts inside PowerShell's. */
function receivedText(): string {
  return win.stats.commands
    .map((c) => `${c.commandLine}\n${scriptFromInvocation(c.commandLine) ?? ''}`)
    .join('\n');
}

test('PowerShell exec and script steps get a secret from their environment, not their command line', async () => {
  const job = await createJob(
    app,
    `name: win-secrets
parameters:
  token: { type: secret, required: true }
steps:
  - name: Exec
    type: exec
    env: { TOKEN_ENV: "\${{ parameters.token }}" }
    command: |
      [Console]::Out.Write('[' + \${{ parameters.token }} + ']')
      [Console]::Out.Write('{' + $env:TOKEN_ENV + '}')
  - name: Script
    type: script
    script: |
      [Console]::Out.Write('<' + \${{ parameters.token }} + '>')
`,
  );
  const before = win.stats.commands.length;
  const run = await waitForJobRun(
    app,
    (await launch(app, job.id, { parameters: { token: HOSTILE }, targets: { hosts: ['win-ps'] } })).id,
  );
  const e = run.executions[0]!;
  assert.equal(run.status, 'succeeded', JSON.stringify(run.executions));
  const log = await events(app, run.id, e.id);
  const out = (step: number) =>
    log
      .filter((x) => x.kind === 'stdout' && x.step === step)
      .map((x) => x.data)
      .join('');
  // Masking replaces only the exact value: *** means the command saw it whole.
  assert.equal(out(0), '[***]{***}');
  assert.equal(out(1), '<***>');
  assert.ok(win.stats.commands.length > before, 'the server ran the commands');
  assert.ok(!receivedText().includes(MARK), 'no command line the server received holds the secret');
  assert.ok(!JSON.stringify(log).includes(MARK));
});

test('cmd gets a secret as %VARIABLE%, also not on its command line', async () => {
  const job = await createJob(
    app,
    `name: win-cmd-secrets
parameters:
  token: { type: secret, required: true }
steps:
  - { name: Echo, type: exec, command: 'echo [\${{ parameters.token }}]' }
`,
  );
  const value = `${MARK} & | < > ^ ( )`;
  const run = await waitForJobRun(
    app,
    (await launch(app, job.id, { parameters: { token: value }, targets: { hosts: ['win-cmd'] } })).id,
  );
  const e = run.executions[0]!;
  assert.equal(run.status, 'succeeded', JSON.stringify(run.executions));
  const stdout = (await events(app, run.id, e.id))
    .filter((x) => x.kind === 'stdout')
    .map((x) => x.data)
    .join('');
  assert.equal(stdout.trim(), '["***"]');
  assert.ok(!receivedText().includes(MARK));
});
