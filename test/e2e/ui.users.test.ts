/**
 * The Users page in a real browser: an admin creates a user (generated password shown once),
 * changes the role, disables and enables, resets the password, unlocks after failed logins and
 * signs the user out everywhere; the user then signs in, sees no Users page, and changes their
 * own password from the user menu.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from '../support/app.ts';
import { type BrowserSession, launchBrowser, logIn, waitForText } from './browser.ts';
import { buildWeb } from './web-build.ts';

let webDir: string;
let app: TestApp;
let browser: BrowserSession;

before(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'orca-web-'));
  await buildWeb(webDir);
  app = await startTestApp({ worker: false, env: { ORCA_WEB_DIR: webDir } });
  browser = await launchBrowser({ baseURL: app.url, viewport: { width: 1280, height: 900 } });
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
    const path = await browser.screenshot(`ui-users-${name}`).catch(() => 'no screenshot');
    throw new Error(`step "${name}" failed (screenshot: ${path}): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

interface UserDetail {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
}

async function apiUser(name: string): Promise<UserDetail | undefined> {
  const list = (await (await app.api('/users')).json()) as UserDetail[];
  return list.find((u) => u.username === name);
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const login = (username: string, password: string) =>
  fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });

test('an admin manages a user on the Users page; the user changes their own password', async () => {
  const { page } = browser;
  let password = '';
  const row = () => page.getByTestId('user-row-paula');
  const action = async (name: string) => {
    await row().getByRole('button', { name: 'Actions for paula' }).click();
    await page.getByRole('menuitem', { name }).click();
  };
  const confirm = (name: string) => page.getByRole('dialog').getByRole('button', { name }).click();

  await step('login', () => logIn(page, ADMIN_USER, ADMIN_PASSWORD));
  await step('create', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await waitForText(page.getByTestId('users-table'), ADMIN_USER);
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('User name').fill('paula');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    password = (await waitForText(page.getByTestId('generated-password'), /\S{12,}/)).trim();
    await page.getByRole('button', { name: 'Done' }).click();
    await waitForText(row(), 'never');
    assert.equal((await apiUser('paula'))?.role, 'viewer');
  });

  await step('role', async () => {
    await row().getByLabel('Role of paula').selectOption('operator');
    await until('paula is an operator', async () => (await apiUser('paula'))?.role === 'operator');
  });

  await step('disable-enable', async () => {
    await action('Disable');
    await confirm('Disable');
    await waitForText(row(), 'disabled');
    assert.equal((await apiUser('paula'))?.disabled, true);
    assert.equal((await login('paula', password)).status, 401);
    await action('Enable');
    await waitForText(row(), 'enabled');
    assert.equal((await login('paula', password)).status, 200);
  });

  await step('reset', async () => {
    await action('Reset password');
    await confirm('Generate a new password');
    const fresh = (await waitForText(page.getByTestId('generated-password'), /\S{12,}/)).trim();
    assert.notEqual(fresh, password);
    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal((await login('paula', password)).status, 401);
    password = fresh;
  });

  await step('unlock', async () => {
    for (let i = 0; i < 5; i++) await login('paula', `wrong-${i}`);
    assert.equal((await login('paula', password)).status, 429);
    await page.reload();
    await waitForText(row(), 'locked until');
    await action('Unlock');
    await waitForText(page.getByTestId('users-notice'), 'paula is unlocked');
    assert.equal((await login('paula', password)).status, 200);
  });

  await step('sign-out-everywhere', async () => {
    await action('Sign out everywhere');
    await confirm('Sign out');
    await waitForText(page.getByTestId('users-notice'), /[1-9]\d* session\(s\) of paula ended/);
  });

  await step('admin-signs-out-everywhere', async () => {
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('menuitem', { name: 'Sign out everywhere' }).click();
    await page.waitForURL(/\/login/);
  });

  await step('user-view', async () => {
    await logIn(page, 'paula', password);
    await page.getByRole('link', { name: 'API tokens' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0, 'no Users page for operators');
  });

  await step('change-password', async () => {
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('menuitem', { name: 'Change password' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Current password').fill(password);
    await dialog.getByLabel(/^New password/).fill('my own new secret');
    await dialog.getByLabel('Repeat the new password').fill('my own new secret');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await waitForText(page.getByTestId('password-changed'), 'Password changed');
    assert.equal((await login('paula', 'my own new secret')).status, 200);
  });
});
