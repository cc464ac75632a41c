/**
 * Projects in the web UI: an admin creates a project and adds a member on the Projects page,
 * stores a credential into it from the credential form, and filters the hosts page by project.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from '../support/app.ts';
import { tokenFor } from '../support/users.ts';
import { type BrowserSession, launchBrowser, logIn, waitForText } from './browser.ts';
import { buildWeb } from './web-build.ts';

let webDir: string;
let app: TestApp;
let browser: BrowserSession;

before(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'orca-web-'));
  await buildWeb(webDir);
  app = await startTestApp({ worker: false, env: { ORCA_WEB_DIR: webDir, ORCA_SCHEDULER_INTERVAL_MS: '0' } });
  browser = await launchBrowser({ baseURL: app.url, viewport: { width: 1280, height: 1000 } });
});

after(async () => {
  await browser?.close();
  await app?.stop();
  if (webDir) await rm(webDir, { recursive: true, force: true });
});

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    const path = await browser.screenshot(`ui-projects-${name}`).catch(() => 'no screenshot');
    throw new Error(`step "${name}" failed (screenshot: ${path}): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

test('create a project, add a member, put a credential in it and filter hosts by project', async () => {
  const { page } = browser;
  await tokenFor(app, 'pat', 'operator');
  await step('login', () => logIn(page, ADMIN_USER, ADMIN_PASSWORD));

  await step('create-project', async () => {
    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByTestId('project-name').fill('payments');
    await page.getByTestId('create-project').click();
    const card = page.getByTestId('project-payments');
    await waitForText(card, 'payments');
    await card.getByLabel('Username').fill('pat');
    await card.getByRole('button', { name: 'Add member' }).click();
    await waitForText(page.getByTestId('members-payments'), 'pat');
  });

  await step('credential-into-project', async () => {
    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('button', { name: 'Add credential' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('pay-pw');
    await dialog.getByLabel('Kind').selectOption('password');
    await dialog.getByLabel('Password').fill('pay-secret-1');
    await dialog.getByRole('combobox', { name: 'Project' }).click();
    await page.getByRole('option', { name: 'payments' }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page.getByTestId('credential-row-pay-pw'), 'password');
  });
  const projects = (await (await app.api('/projects')).json()) as { id: string; name: string }[];
  const payments = projects.find((p) => p.name === 'payments')?.id ?? '';
  const creds = (await (await app.api('/credentials')).json()) as {
    name: string;
    id: string;
    projectId: string;
  }[];
  const pay = creds.find((c) => c.name === 'pay-pw');
  assert.equal(pay?.projectId, payments, 'the credential went into the project chosen in the form');

  for (const [name, projectId, credentialId] of [['pay-1', payments, pay?.id ?? '']] as const) {
    const res = await app.api('/hosts', {
      body: { name, address: '127.0.0.1', port: 1, username: 'u', credentialId, projectId },
    });
    assert.equal(res.status, 201, await res.text());
  }
  const other = (await (
    await app.api('/credentials', { body: { name: 'ops-pw', kind: 'password', password: 'ops-secret-1' } })
  ).json()) as { id: string };
  assert.equal(
    (
      await app.api('/hosts', {
        body: { name: 'ops-1', address: '127.0.0.1', port: 1, username: 'u', credentialId: other.id },
      })
    ).status,
    201,
  );

  await step('filter-hosts', async () => {
    await page.getByRole('link', { name: 'Hosts' }).click();
    await waitForText(page.locator('main'), 'ops-1');
    await page.getByRole('combobox', { name: 'Project' }).click();
    await page.getByRole('option', { name: 'payments' }).click();
    await waitForText(page.locator('main'), 'pay-1');
    const deadline = Date.now() + 15_000;
    while ((await page.locator('main').textContent())?.includes('ops-1') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(
      !(await page.locator('main').textContent())?.includes('ops-1'),
      'the default project host is filtered out',
    );
  });
});
