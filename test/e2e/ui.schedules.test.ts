/**
 * Schedules in the browser: the form shows the next five fire times live (and a bad expression's
 * error) before saving; the new schedule is listed with its next run and can be switched off.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { nextFireTimes } from '../../src/domain/schedule-times.ts';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from '../support/app.ts';
import { addHost, addPasswordCredential } from '../support/fleet.ts';
import { createJob } from '../support/jobs.ts';
import { type BrowserSession, launchBrowser, logIn, waitForText } from './browser.ts';
import { buildWeb } from './web-build.ts';

let webDir: string;
let app: TestApp;
let browser: BrowserSession;

before(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'orca-web-'));
  await buildWeb(webDir);
  app = await startTestApp({ worker: false, env: { ORCA_WEB_DIR: webDir } });
  const credentialId = await addPasswordCredential(app, 'pw', 'not-used');
  await addHost(app, { name: 'db-1', port: 1, username: 'nobody', credentialId });
  await createJob(
    app,
    `name: backup
parameters:
  keep: { type: integer, default: 7, minimum: 1 }
targets:
  hosts: [db-1]
steps:
  - name: Dump
    type: exec
    command: echo \${{ parameters.keep }}
`,
  );
  browser = await launchBrowser({ baseURL: app.url, viewport: { width: 1280, height: 1100 } });
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
    const path = await browser.screenshot(`ui-schedules-${name}`).catch(() => 'no screenshot');
    throw new Error(`step "${name}" failed (screenshot: ${path}): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

test('create a schedule in the browser, seeing its next five fire times first', async () => {
  const { page } = browser;
  await step('login', () => logIn(page, ADMIN_USER, ADMIN_PASSWORD));

  await step('open-form', async () => {
    await page.getByRole('link', { name: 'Schedules', exact: true }).click();
    await waitForText(page.locator('main'), 'No schedules yet');
    await page.getByRole('link', { name: 'New schedule' }).first().click();
    await page.waitForURL(/\/schedules\/new$/);
  });

  await step('fill', async () => {
    await page.getByTestId('schedule-name').fill('nightly-backup');
    await page.getByTestId('schedule-job').click();
    await page.getByRole('option', { name: 'backup' }).click();
    await page.getByTestId('param-keep').fill('3');
    await page.getByTestId('schedule-timezone').fill('Europe/Berl');
    await page.getByRole('option', { name: 'Europe/Berlin' }).click();
  });

  await step('bad-cron', async () => {
    await page.getByTestId('schedule-cron').fill('30 26 * * *');
    await waitForText(page.getByTestId('fire-preview'), 'not a valid cron expression');
  });

  await step('preview', async () => {
    await page.getByTestId('schedule-cron').fill('30 2 * * *');
    const list = page.getByTestId('fire-preview-times');
    await list.waitFor();
    const expected = nextFireTimes('30 2 * * *', 'Europe/Berlin', new Date(), 5).map((d) => d.toISOString());
    const deadline = Date.now() + 10_000;
    let shown: string[] = [];
    while (Date.now() < deadline) {
      shown = await list
        .locator('[data-fire-time]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-fire-time') ?? ''));
      if (JSON.stringify(shown) === JSON.stringify(expected)) break;
      await page.waitForTimeout(100);
    }
    assert.deepEqual(shown, expected);
    // shown as wall time in the schedule's zone
    assert.match((await list.textContent()) ?? '', /02:30:00/);
  });

  await step('save', async () => {
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.waitForURL(/\/schedules$/);
    await page.getByTestId('schedule-row-nightly-backup').waitFor();
    await waitForText(page.getByTestId('schedule-row-nightly-backup'), '30 2 * * *');
    const [saved] = (await (await app.api('/schedules')).json()) as {
      name: string;
      cron: string;
      timeZone: string;
      parameters: unknown;
      nextFireAt: string;
      enabled: boolean;
    }[];
    assert.deepEqual(saved && [saved.name, saved.cron, saved.timeZone, saved.parameters, saved.enabled], [
      'nightly-backup',
      '30 2 * * *',
      'Europe/Berlin',
      { keep: 3 },
      true,
    ]);
    assert.equal(
      saved?.nextFireAt,
      nextFireTimes('30 2 * * *', 'Europe/Berlin', new Date(), 1)[0]?.toISOString(),
    );
  });

  await step('disable', async () => {
    const toggle = page.getByTestId('schedule-enabled-nightly-backup');
    await toggle.click({ force: true });
    const deadline = Date.now() + 10_000;
    let enabled = true;
    while (enabled && Date.now() < deadline) {
      enabled = ((await (await app.api('/schedules')).json()) as { enabled: boolean }[])[0]?.enabled ?? true;
      if (enabled) await page.waitForTimeout(100);
    }
    assert.equal(enabled, false);
    await waitForText(page.getByTestId('schedule-next-nightly-backup'), '—');
  });

  await step('history', async () => {
    const jobs = (await (await app.api('/jobs')).json()) as { id: string }[];
    const res = await app.api('/schedules', {
      body: { name: 'every-second', jobId: jobs[0]?.id, cron: '* * * * * *', overlap: 'skip' },
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { id } = (await res.json()) as { id: string };
    let fired: { run: { id: string } | null }[] = [];
    for (let i = 0; i < 100 && !fired.some((f) => f.run); i++) {
      fired = (await (await app.api(`/schedules/${id}/fires`)).json()) as typeof fired;
      if (!fired.some((f) => f.run)) await page.waitForTimeout(100);
    }
    await app.api(`/schedules/${id}/disable`, { method: 'POST' });
    const runId = fired.find((f) => f.run)?.run?.id ?? '';
    assert.ok(runId, 'the server’s scheduler started a run');
    await page.reload();
    await page.getByRole('link', { name: 'every-second' }).click();
    await page.waitForURL(new RegExp(`/schedules/${id}$`));
    const table = page.getByTestId('schedule-fires');
    await waitForText(table, 'started');
    assert.ok(await table.locator(`a[href="/runs/${runId}"]`).count(), 'the fire links its run');
    await page.getByRole('link', { name: 'back to schedules' }).click();
    await page.getByRole('link', { name: 'nightly-backup' }).click();
    await waitForText(page.locator('main'), 'It has not fired yet.');
  });

  await step('edit', async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(/\/schedules\/[0-9a-f-]{36}\/edit$/);
    assert.equal(await page.getByTestId('param-keep').inputValue(), '3');
    await page.getByTestId('schedule-cron').fill('45 4 * * 1-5');
    const first = nextFireTimes('45 4 * * 1-5', 'Europe/Berlin', new Date(), 1)[0]?.toISOString() ?? '';
    await page.locator(`[data-fire-time="${first}"]`).waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/schedules\/[0-9a-f-]{36}$/);
    await waitForText(page.locator('main'), '45 4 * * 1-5');
    const list = (await (await app.api('/schedules')).json()) as {
      name: string;
      cron: string;
      parameters: unknown;
    }[];
    const saved = list.find((x) => x.name === 'nightly-backup');
    assert.deepEqual(saved && [saved.cron, saved.parameters], ['45 4 * * 1-5', { keep: 3 }]);
  });
});
