/**
 * Runs that start and report by themselves, in the browser. Notifications: add a signed webhook
 * rule in the form, see the key never come back, run a command, read the delivery in the log,
 * switch the rule off. Triggers: add one on a job's page mapping a request field to a parameter,
 * call its URL with the token shown once, and see the call and its run.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from '../support/app.ts';
import { registerSshd, startRun, waitForRun } from '../support/fleet.ts';
import { createJob, waitForJobRun } from '../support/jobs.ts';
import { type SshdHandle, startSshd } from '../support/sshd.ts';
import { type BrowserSession, launchBrowser, logIn, waitForText } from './browser.ts';
import { buildWeb } from './web-build.ts';

let webDir: string;
let app: TestApp;
let sshd: SshdHandle;
let browser: BrowserSession;
let receiver: Server;
const received: { event: string | undefined; signature: string | undefined }[] = [];

before(async () => {
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push({
        event: req.headers['x-orca-event'] as string | undefined,
        signature: req.headers['x-orca-signature'] as string | undefined,
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  webDir = await mkdtemp(join(tmpdir(), 'orca-web-'));
  await buildWeb(webDir);
  [app, sshd] = await Promise.all([startTestApp({ env: { ORCA_WEB_DIR: webDir } }), startSshd()]);
  await registerSshd(app, sshd, 'web-1');
  browser = await launchBrowser({ baseURL: app.url, viewport: { width: 1280, height: 1000 } });
});

after(async () => {
  await browser?.close();
  await app?.stop();
  await sshd?.stop();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  if (webDir) await rm(webDir, { recursive: true, force: true });
});

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    const path = await browser.screenshot(`ui-automation-${name}`).catch(() => 'no screenshot');
    throw new Error(`step "${name}" failed (screenshot: ${path}): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

test('a webhook rule added in the browser reports a run, and its delivery shows in the log', async () => {
  const page = browser.page;
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const key = 'browser-signing-key-0123456789';

  await step('open', async () => {
    await logIn(page, ADMIN_USER, ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.waitForURL(/\/notifications$/);
    await waitForText(page.locator('main'), 'No notifications');
  });

  await step('add', async () => {
    await page.getByTestId('add-notification').click();
    const form = page.getByRole('form', { name: 'Add notification' });
    await form.getByLabel('Name').fill('ops-hook');
    await form.getByLabel('URL').fill('ftp://wrong');
    await form.getByLabel('Signing key').fill(key);
    await form.getByLabel('Succeeded').check();
    await form.getByRole('button', { name: 'Save' }).click();
    // The server's refusal lands on the field it names.
    await waitForText(form, /must match pattern|http/);
    await form.getByLabel('URL').fill(url);
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    const row = page.getByTestId('rule-row-ops-hook');
    await waitForText(row, url);
    await waitForText(row, 'signed');
    await waitForText(row, 'failure, success');
    assert.ok(!(await page.content()).includes(key), 'the key is not on the page');
  });

  await step('delivery', async () => {
    const run = await startRun(app, 'echo notified', ['web-1']);
    assert.equal((await waitForRun(app, run.id)).status, 'succeeded');
    const deadline = Date.now() + 20_000;
    while (!received.some((r) => r.event === 'success') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(received.find((r) => r.event === 'success')?.signature?.startsWith('sha256='));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await waitForText(page.getByTestId('delivery-ops-hook-success'), 'delivered');
    await page.getByTestId('delivery-ops-hook-success').getByRole('link').click();
    await page.waitForURL(new RegExp(`/runs/${run.id}$`));
  });

  await step('disable', async () => {
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByLabel('ops-hook enabled').click({ force: true });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const rules = (await (await app.api('/notifications')).json()) as { enabled: boolean }[];
      if (rules[0]?.enabled === false) break;
      if (Date.now() > deadline) throw new Error('the rule is still enabled');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});

test('a trigger added on the job page launches a run when its URL is called with the token', async () => {
  const page = browser.page;
  const job = await createJob(
    app,
    "name: release\nparameters:\n  tag: { type: string, required: true }\ntargets: { hosts: [web-1] }\nsteps:\n  - { name: Say, type: exec, command: 'echo releasing ${{ parameters.tag }}' }\n",
  );
  let url = '';
  let token = '';
  await step('create trigger', async () => {
    await page.goto(`/jobs/${job.id}?tab=triggers`);
    const form = page.getByRole('form', { name: 'Add trigger' });
    await form.getByLabel('Name').fill('ci');
    await form.getByLabel('tag').fill('release.tag');
    await form.getByRole('button', { name: 'Create trigger' }).click();
    url = (await page.getByTestId('trigger-url').textContent()) ?? '';
    token = (await page.getByTestId('trigger-token').textContent()) ?? '';
    assert.match(url, /\/api\/v1\/hooks\/[0-9a-f-]{36}$/);
    assert.match(token, /^orcahook_/);
    await page.getByRole('button', { name: 'Done' }).click();
    await waitForText(page.getByTestId('trigger-row-ci'), 'tag ← release.tag');
  });
  await step('call', async () => {
    const res = await fetch(`${app.url}${new URL(url).pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-orca-token': token },
      body: JSON.stringify({ release: { tag: 'v9.1' } }),
    });
    assert.equal(res.status, 201);
    const { runId } = (await res.json()) as { runId: string };
    const run = await waitForJobRun(app, runId);
    assert.deepEqual(run.parameters, { tag: 'v9.1' });
    await page.reload();
    await page.getByTestId('trigger-row-ci').getByRole('button', { name: 'Calls' }).click();
    await waitForText(page.getByTestId('calls-ci'), '201');
    await page.getByTestId('calls-ci').getByRole('link').click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
  });
});

test('the audit log shows what was done in the browser, filtered by action', async () => {
  const page = browser.page;
  await step('audit', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/audit$/);
    await page.getByLabel('Action').fill('notifications');
    const table = page.getByTestId('audit-table');
    await waitForText(table, 'notifications.create');
    await waitForText(table, 'notifications.update');
    assert.ok(
      !(await table.textContent())?.includes('jobs.triggers.create'),
      'the filter keeps only notifications',
    );
    await table.getByRole('button', { name: 'notifications.create' }).first().click();
    await waitForText(table, '"secret": "***"');
    assert.ok(!(await page.content()).includes('browser-signing-key-0123456789'));
  });
});

test('the workers page shows the running worker and the executor status', async () => {
  const page = browser.page;
  await step('workers', async () => {
    await page.getByRole('link', { name: 'Workers' }).click();
    await page.waitForURL(/\/workers$/);
    const table = page.getByTestId('workers-table');
    await waitForText(table, 'alive');
    await waitForText(table, '0/8');
    await waitForText(table, 'any host without a pool');
    await waitForText(page.getByTestId('executor-status'), 'of 8 slots');
    await waitForText(page.getByTestId('pools-table'), 'no pool (any worker)');
  });
});
