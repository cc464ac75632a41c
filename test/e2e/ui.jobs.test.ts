/**
 * Jobs through the web UI against real sshd hosts: write a job in the editor (a bad document
 * first, its errors named by path), save a second version, compare the two, roll back, launch it
 * from the generated form with a hostile value, watch each step on two hosts, then retry and re-run.
 * A second test runs rolling batches where a failure skips the rest.
 *
 * Set ORCA_E2E_SHOTS=<dir> to keep screenshots of the pages there.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from '../support/app.ts';
import { addHost, addPasswordCredential, registerSshd } from '../support/fleet.ts';
import { createJob } from '../support/jobs.ts';
import { type SshdHandle, startSshd } from '../support/sshd.ts';
import { type BrowserSession, launchBrowser, logIn, waitForText } from './browser.ts';
import { buildWeb } from './web-build.ts';

const SHOTS = process.env.ORCA_E2E_SHOTS;
const RUN_URL = /\/runs\/([0-9a-f-]{36})$/;

let webDir: string;
let app: TestApp;
let sshdA: SshdHandle;
let sshdB: SshdHandle;
let browser: BrowserSession;

before(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'orca-web-'));
  const started = await Promise.allSettled([
    startSshd(),
    startSshd(),
    buildWeb(webDir).then(() =>
      startTestApp({ env: { ORCA_WEB_DIR: webDir, ORCA_CONNECT_TIMEOUT_MS: '3000' } }),
    ),
  ] as const);
  const [a, b, server] = started;
  if (a.status === 'fulfilled') sshdA = a.value;
  if (b.status === 'fulfilled') sshdB = b.value;
  if (server.status === 'fulfilled') app = server.value;
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  // Two web hosts on two sshd servers, a database host the job's `web-*` leaves out, and a host
  // whose credential is wrong, so that it fails.
  await registerSshd(app, sshdA, 'web-1');
  await registerSshd(app, sshdB, 'web-2');
  await registerSshd(app, sshdA, 'db-1');
  const wrong = await addPasswordCredential(app, 'wrong-pw', 'definitely-not-the-password');
  await addHost(app, { name: 'bad-1', port: sshdB.port, username: sshdB.user, credentialId: wrong });
  browser = await launchBrowser({ baseURL: app.url, viewport: { width: 1280, height: 1100 } });
});

after(async () => {
  await browser?.close();
  await app?.stop();
  await Promise.all([sshdA?.stop(), sshdB?.stop()]);
  if (webDir) await rm(webDir, { recursive: true, force: true });
});

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    const path = await browser.screenshot(`ui-jobs-${name}`).catch(() => 'no screenshot');
    throw new Error(`step "${name}" failed (screenshot: ${path}): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const BAD = `name: Greet fleet
steps:
  - name: Greet
    type: exec
    comand: echo hi
  - name: Details
    type: exec
    command: uname
    timeout: 30s
`;

/** Version 1; `count`'s default is what version 2 changes. */
const GOOD = (countDefault: number) => `name: Greet fleet
description: Says hello on every web host
category: demo
tags: [smoke, web]
parameters:
  message:
    type: string
    description: What to say
    required: true
  count:
    type: integer
    minimum: 1
    maximum: 5
    default: ${countDefault}
  loud:
    type: boolean
    default: false
  flavour:
    type: enum
    enum: [plain, fancy]
    default: plain
  flags:
    type: string
    pattern: '-[a-z]+'
    default: '-s'
  token:
    type: secret
    required: true
targets:
  hosts: [web-*]
steps:
  - name: Greet
    type: exec
    command: echo \${{ parameters.message }}
  - name: Details
    type: exec
    command: uname \${{ raw parameters.flags }}; echo count \${{ parameters.count }} loud \${{ parameters.loud }} flavour \${{ parameters.flavour }}
  - name: Check
    type: script
    script: |
      set -eu
      echo "token is $TOKEN"
    env:
      TOKEN: \${{ parameters.token }}
`;

/** What a host's output pane shows of the commands' standard output (not orca's own notes). */
async function stdoutOf(page: Page, host: string): Promise<string> {
  const parts = await page
    .getByTestId(`output-${host}`)
    .locator('span:not(.out-system):not(.out-stderr)')
    .allTextContents();
  return parts.join('');
}

/** Replaces the editor's text and saves. */
async function saveDocument(page: Page, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: 'Definition' });
  await editor.fill(text);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

/** The run page's id, once the browser is on it. */
async function runIdOnPage(page: Page, not?: string): Promise<string> {
  await page.waitForURL((url) => RUN_URL.test(url.pathname) && !(not && url.pathname.endsWith(not)));
  return RUN_URL.exec(new URL(page.url()).pathname)?.[1] ?? '';
}

test('write, version, diff, roll back, launch and retry a job in the browser', async () => {
  const { page } = browser;
  const marker = `/tmp/orca-ui-pwned-${randomBytes(4).toString('hex')}`;
  const hostile = `'; touch ${marker} #`;
  let jobUrl = '';

  await step('login', () => logIn(page, ADMIN_USER, ADMIN_PASSWORD));

  await step('bad-document', async () => {
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    await waitForText(page.locator('main'), 'No jobs yet');
    await page.getByRole('link', { name: 'New job' }).first().click();
    await page.waitForURL(/\/jobs\/new$/);
    assert.equal(
      await page.getByRole('link', { name: 'job schema' }).getAttribute('href'),
      '/api/v1/job-schema.json',
    );
    await saveDocument(page, BAD);
    const errors = page.getByTestId('job-errors');
    await waitForText(errors, 'steps[1].timeout');
    const items = await page.getByTestId('job-errors-item').allTextContents();
    assert.ok(
      items.some((t) => /^steps\[1\]\.timeout must be a positive integer/.test(t)),
      items.join('\n'),
    );
    assert.ok(items.some((t) => t.startsWith('steps[0].comand') && t.includes('did you mean "command"')));
    assert.match(page.url(), /\/jobs\/new$/, 'nothing was saved');
    await shot(page, 'jobs-editor-errors');
  });

  await step('fix-and-save', async () => {
    await saveDocument(page, GOOD(2));
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}\/edit$/);
    const saved = page.getByTestId('job-saved');
    await waitForText(saved, 'Saved as version 1, with warnings');
    // The raw opt-out is accepted, and said so at its place.
    const warnings = await page.getByTestId('job-warnings-item').allTextContents();
    assert.deepEqual(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /^steps\[1\]\.command .*raw parameters\.flags.*without shell quoting/);
    assert.equal(await page.getByTestId('job-errors').count(), 0);
    await shot(page, 'jobs-editor-warnings');
  });

  await step('second-version', async () => {
    // The editor shows what was saved; a change makes version 2.
    const editor = page.getByRole('textbox', { name: 'Definition' });
    assert.equal(await editor.inputValue(), GOOD(2));
    await saveDocument(page, GOOD(3));
    await waitForText(page.getByTestId('job-saved'), 'Saved as version 2');
    await page.getByRole('link', { name: 'Open the job' }).click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    jobUrl = new URL(page.url()).pathname;
    await waitForText(page.getByTestId('job-version'), /^v2$/);
    await waitForText(page.getByTestId('job-description'), 'Says hello on every web host');
    await waitForText(page.getByTestId('job-steps'), 'raw parameters.flags');
    await waitForText(page.getByTestId('job-parameters'), 'enum');
  });

  await step('diff-v1-v2', async () => {
    await page.getByRole('tab', { name: /Versions/ }).click();
    await waitForText(page.getByTestId('job-versions'), 'v2 (current)');
    await waitForText(page.getByTestId('job-version-1'), ADMIN_USER);
    const diff = page.getByTestId('version-diff');
    await waitForText(page.getByTestId('version-diff-summary'), '+1 −1');
    // Line 14 of each document: old and new line numbers, then the line.
    assert.match((await diff.locator('tr[data-kind="removed"]').textContent()) ?? '', /^14-\s+default: 2$/);
    assert.match((await diff.locator('tr[data-kind="added"]').textContent()) ?? '', /^14\+\s+default: 3$/);
    // Any two versions: v2 against v1 is the reverse.
    await page.getByRole('combobox', { name: 'From' }).click();
    await page.getByRole('option', { name: 'v2' }).click();
    await page.getByRole('combobox', { name: 'To' }).click();
    await page.getByRole('option', { name: 'v1' }).click();
    await waitForText(diff.locator('tr[data-kind="added"]'), 'default: 2');
    await shot(page, 'jobs-versions-diff');
  });

  await step('rollback', async () => {
    await page.getByRole('button', { name: 'Roll back to version 1' }).click();
    const dialog = page.getByRole('dialog');
    await waitForText(dialog, 'becomes current again as a new version');
    await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
    await waitForText(page.getByTestId('job-notice'), 'version 3 is now current');
    await waitForText(page.getByTestId('job-version'), /^v3$/);
    await waitForText(page.getByTestId('job-versions'), 'v3 (current)');
    // v3 is v1 again: against v2 it restores the old default.
    await waitForText(page.getByTestId('version-diff').locator('tr[data-kind="added"]'), 'default: 2');
  });

  await step('deactivate', async () => {
    const active = page.getByRole('switch', { name: 'Active' });
    // The switch follows the server's answer, so click and wait for it rather than check().
    await active.click();
    await waitForText(page.locator('main'), 'This job is inactive');
    assert.ok(await page.getByRole('button', { name: 'Run', exact: true }).isDisabled());
    await active.click();
    await page.getByRole('link', { name: 'Run', exact: true }).waitFor();
  });

  await step('launch-form', async () => {
    await page.getByRole('link', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/run$/);
    // Defaults of the current version (v3 = v1: count 2) fill the form.
    assert.equal(await page.getByLabel('count', { exact: true }).inputValue(), '2');
    assert.equal(await page.getByLabel('flags', { exact: true }).inputValue(), '-s');
    // The job's own targets resolve to the web hosts only.
    await waitForText(page.getByTestId('target-preview-count'), 'Runs on 2 hosts');
    assert.deepEqual(
      await page.getByTestId('target-preview-hosts').locator('.mantine-Badge-label').allTextContents(),
      ['web-1', 'web-2'],
    );
    // Checked before sending: the required values are missing and count is out of range.
    await page.getByLabel('count', { exact: true }).fill('9');
    await page.getByRole('button', { name: 'Launch' }).click();
    await waitForText(page.locator('main'), 'must be at most 5');
    await waitForText(page.locator('main'), 'is required');
    assert.equal(await page.getByLabel(/^message/).getAttribute('aria-invalid'), 'true');
    // message and token: the two required values without a default.
    assert.equal(await page.getByText('is required', { exact: true }).count(), 2);
    assert.match(page.url(), /\/run$/, 'not launched');

    await page.getByLabel(/^message/).fill(hostile);
    await page.getByLabel('count', { exact: true }).fill('3');
    await page.getByRole('switch', { name: 'loud' }).check();
    await page.getByRole('combobox', { name: 'flavour' }).click();
    await page.getByRole('option', { name: 'fancy' }).click();
    await page.getByLabel(/^token/).fill('s3cret-token-value');

    // Other targets: names and globs, with what matches nothing said.
    await page.getByRole('radiogroup', { name: 'Targets' }).getByText('Hosts', { exact: true }).click();
    const names = page.getByRole('combobox', { name: 'Host names' });
    await names.fill('web-1');
    await names.press('Enter');
    await names.fill('nope-*');
    await names.press('Enter');
    await waitForText(page.getByTestId('target-preview-count'), 'Runs on 1 host');
    await waitForText(page.getByTestId('target-preview-unmatched'), 'No host matches: nope-*');
    await shot(page, 'jobs-launch-form');
    // Back to the job's targets for the run.
    await page
      .getByRole('radiogroup', { name: 'Targets' })
      .getByText("The job's targets", { exact: true })
      .click();
    await waitForText(page.getByTestId('target-preview-count'), 'Runs on 2 hosts');
  });

  let firstRun = '';
  await step('run-succeeds', async () => {
    await page.getByRole('button', { name: 'Launch' }).click();
    firstRun = await runIdOnPage(page);
    await waitForText(page.getByTestId('run-job'), 'Greet fleet');
    await waitForText(page.getByTestId('run-job-version'), 'v3');
    await waitForText(page.getByTestId('run-param-message'), hostile);
    await waitForText(page.getByTestId('run-param-token'), '***');
    assert.equal(await page.getByTestId('run-command').count(), 0, 'a job run has no single command');
    for (const host of ['web-1', 'web-2']) {
      await waitForText(page.getByTestId(`status-${host}`), /^succeeded$/, 45_000);
      for (const i of [0, 1, 2])
        await waitForText(page.getByTestId(`step-${host}-${i}-status`), /^succeeded$/);
      // Everything, in step order, then one step at a time.
      const all = await waitForText(page.getByTestId(`output-${host}`), 'token is ***');
      const order = ['1. Greet', hostile, '2. Details', 'count 3', '3. Check', 'token is'].map((t) =>
        all.indexOf(t.replace(/^\d\. /, '')),
      );
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
        all,
      );
      // Output of one step at a time.
      const select = page.getByTestId(`output-step-${host}`);
      await select.selectOption({ label: '1. Greet' });
      await waitForText(page.getByTestId(`output-${host}`), hostile);
      assert.equal(await stdoutOf(page, host), `${hostile}\n`);
      await select.selectOption({ label: '2. Details' });
      await waitForText(page.getByTestId(`output-${host}`), 'count 3 loud true flavour fancy');
      assert.equal(await stdoutOf(page, host), 'Linux\ncount 3 loud true flavour fancy\n');
      await select.selectOption({ label: '3. Check' });
      await waitForText(page.getByTestId(`output-${host}`), 'token is');
      assert.equal(await stdoutOf(page, host), 'token is ***\n');
    }
    await waitForText(page.getByTestId('run-status'), /^succeeded$/);
    assert.ok(!existsSync(marker), 'the hostile value ran as a command');
    await shot(page, 'jobs-run-page');
  });

  await step('re-run', async () => {
    assert.ok(await page.getByRole('button', { name: 'Retry failed hosts' }).isDisabled(), 'nothing failed');
    await page.getByRole('button', { name: 'Re-run' }).click();
    const rerun = await runIdOnPage(page, firstRun);
    assert.notEqual(rerun, firstRun);
    await waitForText(page.getByTestId('run-retry-of'), `Re-run of run ${firstRun.slice(0, 8)}`);
    await waitForText(page.getByTestId('status-web-1'), /^succeeded$/, 45_000);
    await waitForText(page.getByTestId('status-web-2'), /^succeeded$/, 45_000);
    await waitForText(page.getByTestId('run-param-message'), hostile);
  });

  let failing = '';
  await step('retry-failed-hosts', async () => {
    await page.goto(`${jobUrl}/run`);
    await page.getByLabel(/^message/).fill('hello');
    await page.getByLabel(/^token/).fill('another-token');
    await page.getByRole('radiogroup', { name: 'Targets' }).getByText('Hosts', { exact: true }).click();
    const names = page.getByRole('combobox', { name: 'Host names' });
    for (const name of ['web-1', 'bad-1']) {
      await names.fill(name);
      await names.press('Enter');
    }
    await waitForText(page.getByTestId('target-preview-count'), 'Runs on 2 hosts');
    await page.getByRole('button', { name: 'Launch' }).click();
    failing = await runIdOnPage(page);
    await waitForText(page.getByTestId('status-bad-1'), /^failed$/, 45_000);
    await waitForText(page.getByTestId('status-web-1'), /^succeeded$/, 45_000);
    await waitForText(page.getByTestId('failure-bad-1'), 'auth');
    const retry = page.getByRole('button', { name: 'Retry failed hosts' });
    await retry.click();
    await runIdOnPage(page, failing);
    await waitForText(page.getByTestId('run-retry-of'), 'Retry of the failed hosts of');
    await waitForText(page.getByTestId('status-bad-1'), /^failed$/, 45_000);
    assert.equal(await page.getByTestId('execution-web-1').count(), 0, 'only the failed host runs again');
  });

  await step('job-runs-and-stats', async () => {
    await page.goto(`${jobUrl}?tab=runs`);
    await waitForText(page.getByTestId('job-stats-runs'), /^4$/);
    await waitForText(page.getByTestId('job-stats-success'), '%');
    assert.equal(await page.getByTestId('runs-table').locator('tbody tr').count(), 4);
    await waitForText(page.getByTestId('runs-table'), 'Greet fleet v3');
  });

  await step('jobs-list', async () => {
    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    const row = page.getByTestId('job-row-Greet fleet');
    await waitForText(row, 'v3');
    await waitForText(row, 'demo');
    await page.getByLabel('Search').fill('nothing like it');
    await waitForText(page.locator('main'), 'No job matches');
    await page.getByLabel('Search').fill('hello on every');
    await waitForText(row, 'active');
    await page.getByRole('radiogroup', { name: 'State' }).getByText('Inactive', { exact: true }).click();
    await waitForText(page.locator('main'), 'No job matches');
    await shot(page, 'jobs-list');
  });
});

test('rolling batches: a failure in the first batch skips the hosts of the next', async () => {
  const { page } = browser;
  const job = await createJob(
    app,
    `name: Careful rollout
targets:
  hosts: [bad-1, web-2]
strategy:
  batchSize: 1
  maxFailures: 0
steps:
  - name: Hello
    type: exec
    command: echo hello
`,
  );
  await step('batches', async () => {
    await page.goto(`/jobs/${job.id}/run`);
    await waitForText(page.getByTestId('target-preview-count'), 'Runs on 2 hosts');
    await page.getByRole('button', { name: 'Launch' }).click();
    await runIdOnPage(page);
    await waitForText(page.getByTestId('run-status'), /^failed$/, 45_000);
    await waitForText(page.getByTestId('batch-group-1'), 'Batch 1');
    await waitForText(page.getByTestId('batch-group-2'), 'Batch 2');
    await waitForText(page.getByTestId('status-bad-1'), /^failed$/);
    await waitForText(page.getByTestId('status-web-2'), /^skipped$/);
    await waitForText(page.getByTestId('batch-web-2'), 'batch 2');
    await waitForText(page.getByTestId('step-web-2-0-status'), 'not run');
    await waitForText(page.getByTestId('run-counts'), '1 skipped');
    await shot(page, 'jobs-run-batches');
  });
});
