/**
 * A mixed fleet through the web UI: a Linux host on a real sshd and a Windows host on the WinRM
 * test server (NTLM with message encryption over HTTP, like a default Windows Server), both
 * registered in the browser, grouped, tagged in bulk and filtered by a selector, then one `whoami`
 * run on both (one picked by name, one by a selector with a live preview).
 *
 * Set ORCA_E2E_SHOTS=<dir> to keep screenshots of the host form and the run page there.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from '../support/app.ts';
import { type SshdHandle, startSshd } from '../support/sshd.ts';
import { DEFAULT_USER, startWinrmServer, type WinrmTestServer } from '../support/winrm-server/index.ts';
import { type BrowserSession, launchBrowser, logIn, waitForText } from './browser.ts';
import { buildWeb } from './web-build.ts';

const SHOTS = process.env.ORCA_E2E_SHOTS;

let webDir: string;
let app: TestApp;
let sshd: SshdHandle;
let win: WinrmTestServer;
let browser: BrowserSession;

before(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'orca-web-'));
  const [ssh, winrm, server] = await Promise.allSettled([
    startSshd(),
    startWinrmServer(),
    buildWeb(webDir).then(() => startTestApp({ env: { ORCA_WEB_DIR: webDir } })),
  ]);
  if (ssh.status === 'fulfilled') sshd = ssh.value;
  if (winrm.status === 'fulfilled') win = winrm.value;
  if (server.status === 'fulfilled') app = server.value;
  for (const r of [ssh, winrm, server]) if (r.status === 'rejected') throw r.reason;
  // Tall enough for the whole host form in a screenshot.
  browser = await launchBrowser({ baseURL: app.url, viewport: { width: 1280, height: 1300 } });
});

after(async () => {
  await browser?.close();
  await app?.stop();
  await Promise.all([sshd?.stop(), win?.close()]);
  if (webDir) await rm(webDir, { recursive: true, force: true });
});

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    const path = await browser.screenshot(`ui-fleet-${name}`).catch(() => 'no screenshot');
    throw new Error(`step "${name}" failed (screenshot: ${path}): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Keeps a picture for a person to look at, when ORCA_E2E_SHOTS names a directory. */
async function shot(target: Locator, name: string): Promise<void> {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  await target.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** The texts an input's aria-describedby points at: its description and its error. */
function describedBy(input: Locator): Promise<string> {
  return input.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );
}

/** Clicks an option of a segmented choice (its radio input is hidden behind the label). */
async function choose(scope: Locator, group: string, option: string): Promise<void> {
  await scope.getByRole('radiogroup', { name: group }).getByText(option, { exact: true }).click();
  assert.ok(await scope.getByRole('radio', { name: option }).isChecked(), `${option} chosen`);
}

test('register a Linux and a Windows host in the UI and run whoami on both at once', async () => {
  const { page } = browser;

  await step('login', () => logIn(page, ADMIN_USER, ADMIN_PASSWORD));

  await step('add-credentials', async () => {
    await page.getByRole('link', { name: 'Credentials' }).click();
    for (const [name, password] of [
      ['linux-pw', sshd.password],
      ['win-pw', DEFAULT_USER.password],
    ] as const) {
      await page.getByRole('button', { name: 'Add credential' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
      await dialog.getByLabel('Kind').selectOption('password');
      await dialog.getByLabel('Password').fill(password);
      await dialog.getByRole('button', { name: 'Save' }).click();
      await waitForText(page.getByTestId(`credential-row-${name}`), 'password');
    }
  });

  await step('add-linux-host', async () => {
    await page.getByRole('link', { name: 'Hosts' }).click();
    await page.getByRole('button', { name: 'Add host' }).click();
    const dialog = page.getByRole('dialog');
    // Linux over SSH is what a new host starts as.
    assert.ok(await dialog.getByRole('radio', { name: 'Linux' }).isChecked());
    assert.equal(await dialog.getByLabel('Port', { exact: true }).getAttribute('placeholder'), '22');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('linux-1');
    await dialog.getByLabel('Address').fill(sshd.host);
    await dialog.getByLabel('Port', { exact: true }).fill(String(sshd.port));
    await dialog.getByLabel('Username').fill(sshd.user);
    await dialog.getByLabel('Credential').selectOption({ label: 'linux-pw (password)' });
    await shot(dialog, 'host-form-linux');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const row = page.getByTestId('host-row-linux-1');
    await waitForText(row, `${sshd.user}@${sshd.host}:${sshd.port}`);
    await waitForText(row.getByTestId('platform-linux-1'), 'Linux · SSH');
  });

  await step('add-windows-host', async () => {
    await page.getByRole('button', { name: 'Add host' }).click();
    const dialog = page.getByRole('dialog');
    await choose(dialog, 'Operating system', 'Windows');
    // Windows starts as WinRM over HTTP with NTLM encryption and PowerShell.
    assert.ok(await dialog.getByRole('radio', { name: 'WinRM' }).isChecked());
    assert.ok(await dialog.getByRole('radio', { name: 'PowerShell' }).isChecked());
    assert.equal(await dialog.getByLabel('Port', { exact: true }).getAttribute('placeholder'), '5985');
    await dialog.getByRole('switch', { name: 'HTTPS' }).check();
    assert.equal(await dialog.getByLabel('Port', { exact: true }).getAttribute('placeholder'), '5986');
    await dialog.getByRole('checkbox', { name: 'Skip certificate verification' }).check();
    await waitForText(dialog.getByTestId('winrm-skip-verify-warning'), 'accept any certificate');
    await shot(dialog, 'host-form-windows-https');
    await dialog.getByRole('checkbox', { name: 'Skip certificate verification' }).uncheck();
    await dialog.getByRole('switch', { name: 'HTTPS' }).uncheck();
    assert.equal(await dialog.getByLabel('CA certificate').count(), 0);

    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('win-1');
    await dialog.getByLabel('Address').fill('127.0.0.1');
    await dialog.getByLabel('Port', { exact: true }).fill(String(win.port));
    await dialog.getByLabel('Username').fill(DEFAULT_USER.username);
    assert.match(await describedBy(dialog.getByLabel('Username')), /DOMAIN\\user, user@domain/);
    await dialog.getByLabel('Credential').selectOption({ label: 'win-pw (password)' });

    // Basic over plain HTTP is refused by the server, and the reason shows at the field.
    await dialog.getByLabel('Authentication').selectOption('basic');
    await waitForText(dialog.getByTestId('winrm-fields'), 'A default Windows Server refuses unencrypted');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const auth = dialog.getByLabel('Authentication');
    await waitForText(dialog.getByTestId('winrm-fields'), 'sends the password readable on the network');
    assert.match(await describedBy(auth), /sends the password readable on the network/);
    assert.equal(await auth.getAttribute('aria-invalid'), 'true');
    await shot(dialog, 'host-form-windows-basic-refused');

    // Changing the choice clears the objection.
    await auth.selectOption('negotiate');
    assert.notEqual(await auth.getAttribute('aria-invalid'), 'true');
    await shot(dialog, 'host-form-windows-winrm');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const row = page.getByTestId('host-row-win-1');
    await waitForText(row, `${DEFAULT_USER.username}@127.0.0.1:${win.port}`);
    await waitForText(row.getByTestId('platform-win-1'), 'Windows · WinRM http');
    await waitForText(row, 'not used (WinRM)');
  });

  await step('edit-windows-host', async () => {
    // The form shows what was saved.
    await page.getByRole('button', { name: 'More actions for win-1' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const dialog = page.getByRole('dialog');
    assert.ok(await dialog.getByRole('radio', { name: 'Windows' }).isChecked());
    assert.ok(await dialog.getByRole('radio', { name: 'WinRM' }).isChecked());
    assert.equal(await dialog.getByLabel('Authentication').inputValue(), 'negotiate');
    assert.equal(await dialog.getByLabel('Port', { exact: true }).inputValue(), String(win.port));
    await choose(dialog, 'Shell', 'cmd');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page.getByTestId('platform-win-1'), 'Windows · WinRM http · cmd');
    // Back to PowerShell for the run.
    await page.getByRole('button', { name: 'More actions for win-1' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    await choose(dialog, 'Shell', 'PowerShell');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page.getByTestId('platform-win-1'), /^Windows · WinRM http$/);
  });

  await step('test-windows-connection', async () => {
    await page.getByRole('button', { name: 'Test connection to win-1' }).click();
    await waitForText(page.getByTestId('check-result-win-1'), 'connection ok', 30_000);
    // The check recorded the host's health and the facts PowerShell reported.
    await waitForText(page.getByTestId('health-win-1'), /^up · /);
    await waitForText(
      page.getByTestId('facts-win-1'),
      'Microsoft Windows Server 2022 Datacenter 10.0.20348 · AMD64',
    );
    await waitForText(page.getByTestId('health-linux-1'), 'not checked yet');
    await shot(page.getByTestId('hosts-table'), 'hosts-table');
  });

  await step('filter-hosts-by-health', async () => {
    const filter = page.getByTestId('health-filter');
    await filter.getByText('Up (1)').click();
    await waitForText(page.getByTestId('hosts-table'), 'win-1');
    assert.equal(await page.getByTestId('host-row-linux-1').count(), 0);
    await filter.getByText('Not checked (1)').click();
    await page.getByTestId('host-row-linux-1').waitFor();
    assert.equal(await page.getByTestId('host-row-win-1').count(), 0);
    await filter.getByText('All (2)').click();
    await page.getByTestId('host-row-win-1').waitFor();
  });

  await step('jump-host-choice', async () => {
    // Only SSH hosts other than the one edited are offered as bastions, to Linux and Windows hosts.
    await page.getByRole('button', { name: 'Add host' }).click();
    const dialog = page.getByRole('dialog');
    const options = () => dialog.getByLabel('Jump host').locator('option').allTextContents();
    assert.deepEqual(await options(), ['None (connect directly)', 'linux-1']);
    await choose(dialog, 'Operating system', 'Windows');
    assert.deepEqual(await options(), ['None (connect directly)', 'linux-1']);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'More actions for linux-1' }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    assert.deepEqual(await options(), ['None (connect directly)']);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  await step('group-windows-host', async () => {
    await page.getByRole('link', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'New group' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('windows-fleet');
    await dialog.getByRole('combobox', { name: 'Hosts' }).click();
    await page.getByRole('option', { name: 'win-1' }).click();
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await waitForText(page.getByTestId('group-row-windows-fleet'), 'win-1');
  });

  await step('bulk-tag-and-filter', async () => {
    await page.getByRole('link', { name: 'Hosts' }).click();
    await waitForText(page.getByTestId('host-row-win-1'), 'windows-fleet');
    await page.getByRole('checkbox', { name: 'Select linux-1' }).check();
    await page.getByRole('checkbox', { name: 'Select win-1' }).check();
    await waitForText(page.getByTestId('host-bulk-count'), '2 selected');
    const tags = page.getByRole('combobox', { name: 'Tags to add or remove' });
    await tags.fill('fleet');
    await tags.press('Enter');
    await page.getByTestId('host-bulk-tag').click();
    await waitForText(page.getByTestId('host-chips-linux-1'), 'fleet');
    await waitForText(page.getByTestId('host-chips-win-1'), 'fleet');

    const filter = page.getByTestId('hosts-selector');
    await filter.fill('tag:fleet and group:windows-fleet');
    await waitForText(page.getByTestId('hosts-table'), /^(?!.*linux-1).*win-1/s);
    assert.match(await describedBy(filter), /1 of 2 hosts/);
    await filter.fill('tag:fleet and');
    await waitForText(
      page.locator('.mantine-TextInput-error'),
      'selector: at 14: expected a term after "and"',
    );
    await filter.fill('');
    await waitForText(page.getByTestId('hosts-table'), /linux-1.*win-1/s);
    await shot(page.getByTestId('hosts-table'), 'hosts-table-tagged');
  });

  await step('run-whoami-on-both', async () => {
    await page.getByRole('link', { name: 'Run a command' }).click();
    await page.getByLabel('Command').fill('whoami');
    await page.getByRole('combobox', { name: 'Hosts' }).click();
    await page.getByRole('option', { name: 'linux-1' }).click();
    await page.keyboard.press('Escape');
    // The Windows host comes from a selector, previewed before the run.
    await page.getByTestId('run-selector').fill('group:windows-fleet and tag:fleet');
    await waitForText(page.getByTestId('target-preview-count'), 'Runs on 2 hosts');
    assert.deepEqual(
      await page.getByTestId('target-preview-hosts').locator('.mantine-Badge-label').allTextContents(),
      ['linux-1', 'win-1'],
    );
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await waitForText(page.getByTestId('status-linux-1'), /^succeeded$/, 30_000);
    await waitForText(page.getByTestId('status-win-1'), /^succeeded$/, 30_000);
    const linux = await waitForText(page.getByTestId('output-linux-1'), sshd.user);
    assert.equal(linux.trim(), sshd.user);
    const windows = await waitForText(page.getByTestId('output-win-1'), 'wintest\\testuser');
    assert.equal(windows.trim(), 'wintest\\testuser');
    await waitForText(page.getByTestId('run-status'), /^succeeded$/);
    await shot(page.locator('body'), 'run-page');
  });
});
