/**
 * Key rotation end to end, with the raw database checked: secrets sealed under one master key
 * (credentials, a run's secret parameters, a signed notification rule, a trigger) are re-sealed
 * by `orca keys rotate` while the server runs, and then work with only the new key.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { credentialSecretAad } from '../src/db/credentials.ts';
import { notificationSecretAad } from '../src/db/notifications.ts';
import { runSecretsAad } from '../src/db/runs.ts';
import { scheduleSecretsAad } from '../src/db/schedules.ts';
import { triggerSecretAad } from '../src/db/triggers.ts';
import { rotateSecrets } from '../src/security/rotate.ts';
import { keyIdOf, MissingKeyError, parseMasterKey, Vault } from '../src/security/vault.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { orcaProcess } from './support/cli-process.ts';
import { addHost, registerSshd } from './support/fleet.ts';
import { createJob, launch, stepOutput, waitForJobRun } from './support/jobs.ts';
import { type SshdHandle, startSshd } from './support/sshd.ts';

const OLD = randomBytes(32).toString('hex');
const NEW = randomBytes(32).toString('base64');
const OLD_ID = keyIdOf(parseMasterKey(OLD));
const NEW_ID = keyIdOf(parseMasterKey(NEW));
const TOKEN = 'run-secret-6d1f0b';
const RULE_SECRET = 'a-webhook-signing-key-0123456789';

let app: TestApp;
let sshd: SshdHandle;
let cliHome: string;

before(async () => {
  [app, sshd] = await Promise.all([startTestApp({ env: { ORCA_SECRET_KEY: OLD } }), startSshd()]);
  cliHome = await mkdtemp(join(tmpdir(), 'orca-keys-cli-'));
});
after(async () => {
  await app?.stop();
  await sshd?.stop();
  if (cliHome) await rm(cliHome, { recursive: true, force: true });
});

interface RawRow {
  table: string;
  id: string;
  data: Buffer;
  keyId: string;
}

/** Every sealed value in the database, read with plain SQL. */
async function rawRows(): Promise<RawRow[]> {
  const { rows } = await app.database.handle.pool.query<RawRow>(`
    select 'credentials' as "table", id::text, secret as data, key_id as "keyId" from credentials
    union all
    select 'runs', id::text, secret_parameters, secret_key_id from runs where secret_parameters is not null
    union all
    select 'notification_rules', id::text, secret, key_id from notification_rules where secret is not null
    union all
    select 'job_triggers', id::text, secret, key_id from job_triggers
    union all
    select 'schedules', id::text, secret_parameters, secret_key_id from schedules where secret_parameters is not null
    order by 1, 2`);
  return rows;
}

const AAD: Record<string, (id: string) => string> = {
  credentials: credentialSecretAad,
  runs: runSecretsAad,
  notification_rules: notificationSecretAad,
  job_triggers: triggerSecretAad,
  schedules: scheduleSecretsAad,
};

/** `orca keys <command>` as an operator runs it: its own process, the database and keys from the environment. */
function keysCommand(command: 'rotate' | 'status', env: Record<string, string>) {
  return orcaProcess(cliHome, ['keys', command], {
    env: { DATABASE_URL: app.database.url, ORCA_HOME: cliHome, ORCA_LOG_LEVEL: 'silent', ...env },
  });
}

async function callHook(path: string, token: string): Promise<{ status: number; runId?: string }> {
  const body = JSON.stringify({ ref: 'main' });
  const res = await fetch(`${app.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': `sha256=${createHmac('sha256', token).update(body).digest('hex')}`,
    },
    body,
  });
  return { status: res.status, ...((await res.json()) as { runId?: string }) };
}

test('orca keys rotate re-seals every secret under the new key while the server runs; then the old key can go', async () => {
  // Everything sealed under the old key.
  await registerSshd(app, sshd, 'web-1');
  const keyRes = await app.api('/credentials', {
    body: {
      name: 'deploy-key',
      kind: 'ssh-key',
      privateKey: sshd.clientKeys.encrypted,
      passphrase: sshd.clientKeys.passphrase,
    },
  });
  assert.equal(keyRes.status, 201);
  const keyCredential = (await keyRes.json()) as { id: string };
  await addHost(app, { name: 'web-2', port: sshd.port, username: sshd.user, credentialId: keyCredential.id });
  const job = await createJob(
    app,
    `name: check-token
parameters:
  token: { type: secret, required: true }
steps:
  - { name: Check, type: exec, command: 'test \${{ parameters.token }} = ${TOKEN} && echo token-ok' }
`,
  );
  const first = await waitForJobRun(
    app,
    (await launch(app, job.id, { parameters: { token: TOKEN }, targets: { hosts: ['web-1'] } })).id,
  );
  assert.equal(first.status, 'succeeded');
  const ping = await createJob(
    app,
    'name: ping\ntargets: { hosts: [web-1] }\nsteps:\n  - { name: Ping, type: exec, command: echo pong }\n',
  );
  const triggerRes = await app.api(`/jobs/${ping.id}/triggers`, { body: { name: 'ci' } });
  assert.equal(triggerRes.status, 201, await triggerRes.clone().text());
  const { trigger, token: hookToken } = (await triggerRes.json()) as {
    trigger: { url: string };
    token: string;
  };
  const hookPath = new URL(trigger.url).pathname;
  const ruleRes = await app.api('/notifications', {
    body: {
      name: 'ops',
      kind: 'webhook',
      url: 'http://127.0.0.1:9/hook',
      secret: RULE_SECRET,
      events: ['failure'],
    },
  });
  assert.equal(ruleRes.status, 201, await ruleRes.clone().text());
  const scheduleRes = await app.api('/schedules', {
    body: {
      name: 'yearly-check',
      jobId: job.id,
      cron: '0 3 1 1 *',
      parameters: { token: TOKEN },
      targets: { hosts: ['web-1'] },
    },
  });
  assert.equal(scheduleRes.status, 201, await scheduleRes.clone().text());

  const before = await rawRows();
  assert.deepEqual([...new Set(before.map((r) => r.table))].sort(), [
    'credentials',
    'job_triggers',
    'notification_rules',
    'runs',
    'schedules',
  ]);
  assert.equal(before.filter((r) => r.table === 'credentials').length, 2);
  assert.ok(before.every((r) => r.keyId === OLD_ID));
  const secretTexts = [TOKEN, RULE_SECRET, hookToken, sshd.password, sshd.clientKeys.passphrase];
  for (const row of before) {
    for (const text of secretTexts)
      assert.ok(!row.data.includes(Buffer.from(text)), `${row.table} is encrypted`);
  }

  // Step 1 of the procedure: the new key is current, the old one kept as old; servers restart.
  await app.restart({ ORCA_SECRET_KEY: NEW, ORCA_SECRET_KEYS_OLD: OLD });
  assert.equal(app.vault.keyId, NEW_ID);
  const status = await keysCommand('status', { ORCA_SECRET_KEY: NEW, ORCA_SECRET_KEYS_OLD: OLD });
  assert.equal(status.code, 0, status.stderr);
  assert.match(
    status.stdout,
    new RegExp(`credentials: 2 row\\(s\\) under key ${OLD_ID} \\(old, needs rotation\\)`),
  );
  assert.match(status.stdout, /run `orca keys rotate`/);
  // Secrets under the old key keep working before rotation.
  assert.equal((await callHook(hookPath, hookToken)).status, 201);

  // Step 2: rotate, the command and a second rotation at once (batches of one row): harmless.
  const ring = new Vault(parseMasterKey(NEW), [parseMasterKey(OLD)]);
  const [cli, concurrent] = await Promise.all([
    keysCommand('rotate', { ORCA_SECRET_KEY: NEW, ORCA_SECRET_KEYS_OLD: OLD }),
    rotateSecrets(app.database.handle.db, ring, { batchSize: 1 }),
  ]);
  assert.equal(cli.code, 0, cli.stderr);
  const perTable = new Map<string, number>();
  for (const r of before) perTable.set(r.table, (perTable.get(r.table) ?? 0) + 1);
  for (const [table, rows] of perTable) {
    const printed = new RegExp(`^${table}: (\\d+) re-sealed`, 'm').exec(cli.stdout);
    assert.ok(printed, `the command prints a count for ${table}: ${cli.stdout}`);
    const other = concurrent.find((r) => r.table === table)!;
    assert.equal(Number(printed[1]) + other.resealed, rows, `each ${table} row re-sealed exactly once`);
    assert.deepEqual(other.missing, {});
    assert.equal(other.failed, 0);
  }

  const afterRows = await rawRows();
  assert.deepEqual(
    afterRows.map((r) => [r.table, r.id]),
    before.map((r) => [r.table, r.id]),
  );
  const onlyNew = new Vault(parseMasterKey(NEW));
  const onlyOld = new Vault(parseMasterKey(OLD));
  for (const [i, row] of afterRows.entries()) {
    const old = before[i]!;
    assert.equal(row.keyId, NEW_ID, `${row.table} ${row.id} is under the new key`);
    assert.ok(!row.data.equals(old.data), `${row.table} ${row.id} has a new ciphertext`);
    const aad = AAD[row.table]!(row.id);
    assert.equal(
      onlyNew.open({ keyId: row.keyId, data: row.data }, aad),
      ring.open({ keyId: old.keyId, data: old.data }, aad),
      `${row.table} ${row.id} holds the same secret`,
    );
    // A vault without the key a row needs says which key that is.
    assert.throws(
      () => onlyOld.open({ keyId: row.keyId, data: row.data }, aad),
      (e: unknown) => e instanceof MissingKeyError && e.message.includes(NEW_ID),
    );
  }
  const again = await keysCommand('rotate', { ORCA_SECRET_KEY: NEW, ORCA_SECRET_KEYS_OLD: OLD });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^credentials: 0 re-sealed$/m, 'a second rotation has nothing to do');

  // Step 3: the old key removed; everything still opens.
  await app.restart({ ORCA_SECRET_KEY: NEW, ORCA_SECRET_KEYS_OLD: '' });
  assert.deepEqual(app.vault.keyIds, [NEW_ID]);
  const done = await keysCommand('status', { ORCA_SECRET_KEY: NEW });
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /every secret is under the current key; old keys may be removed/);

  const both = await waitForJobRun(
    app,
    (await launch(app, ping.id, { targets: { hosts: ['web-1', 'web-2'] } })).id,
  );
  assert.equal(both.status, 'succeeded', 'both credentials (password and encrypted key) connect');
  const retryRes = await app.api(`/runs/${first.id}/retry`, { body: { mode: 'all' } });
  assert.equal(retryRes.status, 201, await retryRes.clone().text());
  const retried = await waitForJobRun(app, ((await retryRes.json()) as { id: string }).id);
  assert.equal(retried.status, 'succeeded', 'the retried run got its secret parameter');
  assert.equal(await stepOutput(app, retried.id, retried.executions[0]!.id, 0), 'token-ok\n');
  const hooked = await callHook(hookPath, hookToken);
  assert.equal(hooked.status, 201, 'the trigger still checks its HMAC signature');
  assert.equal((await waitForJobRun(app, hooked.runId!)).status, 'succeeded');

  // A process with only the old key is told which key the rows need.
  const stale = await keysCommand('status', { ORCA_SECRET_KEY: OLD });
  assert.equal(stale.code, 1, stale.stdout + stale.stderr);
  assert.match(stale.stdout, new RegExp(`under key ${NEW_ID} \\(NOT CONFIGURED\\)`));
  assert.match(stale.stdout, new RegExp(`rows need keys that are not configured: ${NEW_ID}`));
});
