/**
 * Importing in the browser: an Ansible inventory chosen as a file, previewed (what would be
 * added, the lines orca did not take), imported, and then on the hosts page with its groups.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from '../support/app.ts';
import { addPasswordCredential } from '../support/fleet.ts';
import { type BrowserSession, launchBrowser, logIn, waitForText } from './browser.ts';
import { buildWeb } from './web-build.ts';

let webDir: string;
let app: TestApp;
let browser: BrowserSession;

before(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'orca-web-'));
  await buildWeb(webDir);
  app = await startTestApp({ env: { ORCA_WEB_DIR: webDir } });
  await addPasswordCredential(app, 'fleet-pw', 'not-used-here');
  browser = await launchBrowser({ baseURL: app.url, viewport: { width: 1280, height: 1000 } });
});

after(async () => {
  await browser?.close();
  await app?.stop();
  if (webDir) await rm(webDir, { recursive: true, force: true });
});

test('an Ansible inventory is previewed, imported and then listed with its groups', async () => {
  const page = browser.page;
  const inventory = await readFile(new URL('../fixtures/inventory/ansible/hosts.ini', import.meta.url));
  try {
    await logIn(page, ADMIN_USER, ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Hosts' }).click();
    await page.getByTestId('import-hosts').click();
    const dialog = page.getByTestId('host-import');
    await dialog.getByLabel('Source', { exact: true }).selectOption('ansible-ini');
    await dialog
      .locator('input[type=file]')
      .setInputFiles({ name: 'hosts.ini', mimeType: 'text/plain', buffer: inventory });
    await waitForText(page.getByTestId('import-files'), 'hosts.ini');
    await dialog.getByLabel('Credential for new hosts').selectOption('fleet-pw');
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await waitForText(page.getByTestId('import-plan'), 'Would import: 8 to add, 0 to change, 0 unchanged');
    await waitForText(page.getByTestId('import-host-win-app1'), 'add');
    await waitForText(page.getByTestId('import-plan'), 'ansible_password is a secret');
    assert.equal(
      ((await (await app.api('/hosts')).json()) as unknown[]).length,
      0,
      'a preview writes nothing',
    );
    await page.getByTestId('import-apply').click();
    await waitForText(page.getByTestId('import-plan'), 'Imported: 8 to add');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await waitForText(page.getByTestId('host-row-db1'), 'db');
    const groups = (await (await app.api('/groups')).json()) as { name: string }[];
    assert.deepEqual(groups.map((g) => g.name).sort(), ['db', 'prod', 'web', 'windows']);
  } catch (error) {
    const path = await browser.screenshot('ui-import').catch(() => 'no screenshot');
    throw new Error(`${(error as Error).message} (screenshot: ${path})`, { cause: error });
  }
});
