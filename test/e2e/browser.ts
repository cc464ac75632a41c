/**
 * A headless Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core,
 * each session with its own fresh profile, and a close() that always ends the process.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserServer,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';

export const CHROMIUM_PATH = process.env.ORCA_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserOptions {
  /** Relative URLs in page.goto() resolve against it, e.g. the test app's url. */
  readonly baseURL?: string;
  readonly viewport?: { width: number; height: number };
  readonly colorScheme?: 'light' | 'dark';
  /** Default time limit of every page action and expectation, ms (default 15 s). */
  readonly timeoutMs?: number;
}

export interface BrowserSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Saves a PNG of the page under .test-tmp/ (for failures); returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the browser; kills it if it does not close in time. Safe to call twice. */
  close(): Promise<void>;
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function launchBrowser(options: BrowserOptions = {}): Promise<BrowserSession> {
  if (!chromiumAvailable()) {
    throw new Error(
      `Chromium is not at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set ORCA_CHROMIUM`,
    );
  }
  // A browser server has a process we can kill, so a hung browser cannot outlive the test.
  const server: BrowserServer = await chromium.launchServer({
    executablePath: CHROMIUM_PATH,
    args: ARGS,
    timeout: 30_000,
  });
  let browser: Browser | null = null;
  try {
    browser = await chromium.connect(server.wsEndpoint(), { timeout: 30_000 });
    const context = await browser.newContext({
      baseURL: options.baseURL,
      viewport: options.viewport ?? { width: 1280, height: 900 },
      colorScheme: options.colorScheme ?? 'light',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(options.timeoutMs ?? 15_000);
    const b = browser;
    let closed = false;
    return {
      browser: b,
      context,
      page,
      async screenshot(name) {
        const dir = join(process.cwd(), '.test-tmp');
        await mkdir(dir, { recursive: true });
        const path = join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      async close() {
        if (closed) return;
        closed = true;
        await within(
          context.close().catch(() => {}),
          5_000,
        );
        await within(
          b.close().catch(() => {}),
          5_000,
        );
        if ((await within(server.close(), 10_000)) === 'timeout') await server.kill();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => {});
    await server.kill();
    throw error;
  }
}

/** Opens the site root, is sent to the login page as a newcomer would be, and signs in. */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.waitForURL(/\/login/);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  await waitForText(page.getByTestId('current-user'), username);
}

/** Waits until the element's text matches, then returns it; the error names what it last saw. */
export async function waitForText(
  locator: Locator,
  expected: string | RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  const matches = (text: string) =>
    typeof expected === 'string' ? text.includes(expected) : expected.test(text);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = Math.max(1, deadline - Date.now());
    const text = await locator.textContent({ timeout: Math.min(left, 1000) }).catch(() => null);
    if (text !== null && matches(text)) return text;
    if (Date.now() > deadline) {
      const seen = text === null ? 'it is not on the page' : `it shows ${JSON.stringify(text.slice(0, 500))}`;
      throw new Error(`timed out waiting for ${String(locator)} to show ${String(expected)}; ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
