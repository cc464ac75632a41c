/**
 * Single sign-on in the browser: the login page offers "Sign in with <label>", the provider's
 * own pages sign the user in, and the browser comes back to the page it asked for, logged in
 * with the role the provider's groups give.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.ts';
import { type BrowserSession, launchBrowser, waitForText } from './browser.ts';
import { buildWeb } from './web-build.ts';

let webDir: string;
let app: TestApp;
let idp: TestOidcProvider;
let browser: BrowserSession;

before(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'orca-web-'));
  // On localhost while orca is on 127.0.0.1: the provider is another site, as in production.
  idp = await startOidcProvider({ host: 'localhost' });
  idp.setAccount({ sub: 'sub-olga', preferred_username: 'olga', groups: ['orca-ops'] });
  await buildWeb(webDir);
  app = await startTestApp({
    worker: false,
    env: {
      ORCA_WEB_DIR: webDir,
      ORCA_OIDC_ISSUER: idp.issuer,
      ORCA_OIDC_CLIENT_ID: idp.clientId,
      ORCA_OIDC_CLIENT_SECRET: idp.clientSecret,
      ORCA_OIDC_SCOPES: 'openid profile groups',
      ORCA_OIDC_ROLE_MAP: 'orca-admins=admin,orca-ops=operator',
      ORCA_OIDC_LABEL: 'Example SSO',
      ORCA_SCHEDULER_INTERVAL_MS: '0',
    },
  });
  idp.register(`${app.url}/api/v1/auth/oidc/callback`);
  browser = await launchBrowser({ baseURL: app.url });
});

after(async () => {
  await browser?.close();
  await app?.stop();
  await idp?.stop();
  if (webDir) await rm(webDir, { recursive: true, force: true });
});

test('"Sign in with Example SSO" on the login page signs in at the provider and lands on the page asked for', async () => {
  const { page } = browser;
  try {
    await page.goto('/runs');
    await page.waitForURL(/\/login/);
    const sso = page.getByTestId('login-sso');
    await waitForText(sso, 'Sign in with Example SSO');
    await sso.click();
    // The provider's own login page, then its consent page.
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name="login"]').fill('sub-olga');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === new URL(app.url).origin && url.pathname === '/runs');
    await waitForText(page.getByTestId('current-user'), 'olga');
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).json());
    assert.equal((me as { user: { role: string } }).user.role, 'operator');
  } catch (error) {
    const path = await browser.screenshot('ui-sso').catch(() => 'no screenshot');
    throw new Error(`SSO sign-in failed (screenshot: ${path}): ${(error as Error).message}`, {
      cause: error,
    });
  }
});
