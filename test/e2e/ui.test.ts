/**
 * The web UI end to end, as a person would use it: a real browser against the whole app and a
 * real sshd. Log in, add a credential, register the host, test it, run `whoami`, watch the output.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from '../support/app.ts';
import { type SshdHandle, startSshd } from '../support/sshd.ts';
import { type BrowserSession, launchBrowser, logIn, waitForText } from './browser.ts';
import { buildWeb } from './web-build.ts';

let webDir: string;
let app: TestApp;
let sshd: SshdHandle;
let browser: BrowserSession;

before(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'orca-web-'));
  const [started, server] = await Promise.allSettled([
    startSshd(),
    // The server looks for the UI when it starts, so the build comes first.
    buildWeb(webDir).then(() => startTestApp({ env: { ORCA_WEB_DIR: webDir } })),
  ]);
  // Keep whatever did start, so that after() stops it even when something else failed.
  if (started.status === 'fulfilled') sshd = started.value;
  if (server.status === 'fulfilled') app = server.value;
  for (const r of [started, server]) if (r.status === 'rejected') throw r.reason;
  browser = await launchBrowser({ baseURL: app.url });
});

after(async () => {
  await browser?.close();
  await app?.stop();
  await sshd?.stop();
  if (webDir) await rm(webDir, { recursive: true, force: true });
});

/** Runs a step; on failure saves a screenshot under .test-tmp/ and says where. */
async function step(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    const path = await browser.screenshot(`ui-${name}`).catch(() => 'no screenshot');
    throw new Error(`step "${name}" failed (screenshot: ${path}): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

test('a wrong password shows an error and keeps the user on the login page', async () => {
  const { page } = browser;
  await step('wrong-password', async () => {
    await page.goto('/hosts');
    await page.waitForURL(/\/login/);
    await page.getByLabel('Username').fill(ADMIN_USER);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(page.getByRole('alert'), 'wrong user name or password');
    assert.match(page.url(), /\/login/);
  });
});

test('log in, add a credential and a host, test it, run whoami and see the remote user', async () => {
  const { page } = browser;

  await step('login', () => logIn(page, ADMIN_USER, ADMIN_PASSWORD));

  await step('add-credential', async () => {
    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('button', { name: 'Add credential' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('local-pw');
    await dialog.getByLabel('Kind').selectOption('password');
    await dialog.getByLabel('Password').fill(sshd.password);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page.getByTestId('credential-row-local-pw'), 'password');
  });

  await step('add-host', async () => {
    await page.getByRole('link', { name: 'Hosts' }).click();
    await page.getByRole('button', { name: 'Add host' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('local');
    await dialog.getByLabel('Address').fill(sshd.host);
    await dialog.getByLabel('Port').fill(String(sshd.port));
    await dialog.getByLabel('Username').fill(sshd.user);
    await dialog.getByLabel('Credential').selectOption({ label: 'local-pw (password)' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page.getByTestId('host-row-local'), `${sshd.user}@${sshd.host}:${sshd.port}`);
  });

  await step('test-connection', async () => {
    await page.getByRole('button', { name: 'Test connection to local' }).click();
    await waitForText(page.getByTestId('check-result-local'), 'connection ok', 30_000);
    // The first contact recorded the host key that sshd serves.
    const row = await waitForText(page.getByTestId('host-row-local'), 'SHA256:');
    assert.ok(
      sshd.hostKeyFingerprints.some((k) => row.includes(k.fingerprint.slice(0, 20))),
      `host key in ${row}`,
    );
  });

  await step('run-whoami', async () => {
    await page.getByRole('link', { name: 'Run a command' }).click();
    await page.getByLabel('Command').fill('whoami');
    await page.getByRole('combobox', { name: 'Hosts' }).click();
    await page.getByRole('option', { name: 'local' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await waitForText(page.getByTestId('status-local'), /^succeeded$/, 30_000);
    const out = await waitForText(page.getByTestId('output-local'), sshd.user);
    assert.equal(out.trim(), sshd.user);
    await waitForText(page.getByTestId('run-status'), /^succeeded$/);
  });
});
