/**
 * Single sign-on against a real OpenID Connect provider on loopback (oidc-provider, which
 * requires PKCE): the whole authorization code flow through orca's routes and openid-client,
 * driven like a browser (cookies, manual redirects, the provider's login and consent forms).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ADMIN_USER, startTestApp, type TestApp } from './support/app.ts';
import { orca } from './support/cli-harness.ts';
import { abortLinkOf, formOf, type Landing, TestBrowser } from './support/oidc-browser.ts';
import { startOidcProvider, type TestOidcProvider } from './support/oidc-provider.ts';

const CALLBACK = '/api/v1/auth/oidc/callback';
let app: TestApp;
let idp: TestOidcProvider;

before(async () => {
  idp = await startOidcProvider();
  idp.setAccount({
    sub: 'sub-alice',
    preferred_username: 'alice',
    email: 'alice@example.com',
    groups: ['staff', 'orca-admins'],
  });
  idp.setAccount({ sub: 'sub-oscar', preferred_username: 'oscar', groups: ['orca-ops'] });
  idp.setAccount({
    sub: 'sub-vera',
    email: 'vera@example.com',
    groups: ['orca-view'],
    groupsInUserinfoOnly: true,
  });
  idp.setAccount({ sub: 'sub-nora', preferred_username: 'nora', groups: ['staff'] });
  idp.setAccount({ sub: 'sub-mallory', preferred_username: ADMIN_USER, groups: ['orca-admins'] });
  // Orca starts while the provider does not answer yet: discovery happens on use.
  app = await startTestApp({
    worker: false,
    env: {
      ORCA_OIDC_ISSUER: idp.issuer,
      ORCA_OIDC_CLIENT_ID: idp.clientId,
      ORCA_OIDC_CLIENT_SECRET: idp.clientSecret,
      ORCA_OIDC_SCOPES: 'openid profile email groups',
      ORCA_OIDC_ROLE_MAP: 'orca-admins=admin,orca-ops=operator,orca-view=viewer',
      ORCA_OIDC_LABEL: 'Test IdP',
      ORCA_SCHEDULER_INTERVAL_MS: '0',
    },
  });
});
after(async () => {
  await app?.stop();
  await idp?.stop();
});

const atCallback = (u: URL) => u.pathname === CALLBACK;
const loginUrl = (returnTo = '/') =>
  `${app.url}/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`;

/** Through the provider's login and consent pages, up to (not into) orca's callback. */
async function toCallback(b: TestBrowser, login: string, returnTo = '/'): Promise<URL> {
  let page = await b.follow(loginUrl(returnTo), atCallback);
  for (let i = 0; i < 5 && page.status !== null; i++) {
    const form = formOf(page);
    assert.ok(form, `a form at ${page.url} (${page.status}): ${page.body.slice(0, 300)}`);
    const fields = form.fields.prompt === 'login' ? { ...form.fields, login, password: 'any' } : form.fields;
    page = await b.follow(form.action, atCallback, { form: fields });
  }
  assert.equal(page.status, null, `stopped at ${page.url}`);
  return page.url;
}

/** Orca's callback, and its redirect to where the user wanted to go (not loaded). */
const finish = (b: TestBrowser, callback: URL): Promise<Landing> =>
  b.follow(callback, (u) => u.origin === new URL(app.url).origin && !u.pathname.startsWith('/api/'));

async function signIn(login: string, returnTo = '/'): Promise<{ b: TestBrowser; landing: Landing }> {
  const b = new TestBrowser();
  const landing = await finish(b, await toCallback(b, login, returnTo));
  return { b, landing };
}

async function me(b: TestBrowser): Promise<{ status: number; user?: { username: string; role: string } }> {
  const res = await b.request(new URL(`${app.url}/api/v1/auth/me`));
  const body = (await res.json()) as { user?: { username: string; role: string } };
  return { status: res.status, ...(body.user && { user: body.user }) };
}

const userRow = async (username: string) =>
  (
    await app.database.handle.pool.query(
      'select role, disabled, auth_source, password_hash, oidc_issuer, oidc_subject from users where username = $1',
      [username],
    )
  ).rows[0];

test('orca starts while the provider is down, says so at sign-in, and signs in once it is up', async () => {
  const providers = await (await fetch(`${app.url}/api/v1/auth/providers`)).json();
  assert.deepEqual(providers, {
    password: true,
    oidc: { label: 'Test IdP', loginUrl: '/api/v1/auth/oidc/login' },
  });
  const down = await new TestBrowser().follow(loginUrl());
  assert.equal(down.status, 503);
  assert.match(down.body, /cannot be reached.*try again in a moment/);
  assert.doesNotMatch(down.body, /\n\s+at /);

  idp.register(`${app.url}${CALLBACK}`);
  const { b, landing } = await signIn('sub-alice', '/runs?status=failed');
  assert.equal(landing.status, null);
  assert.equal(`${landing.url.pathname}${landing.url.search}`, '/runs?status=failed');
  const session = b.cookie('orca_session');
  assert.ok(session, 'the session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite?.toLowerCase(), 'strict');
  const signedIn = await me(b);
  assert.deepEqual([signedIn.status, signedIn.user?.username, signedIn.user?.role], [200, 'alice', 'admin']);
  const row = await userRow('alice');
  assert.deepEqual(
    [row.auth_source, row.password_hash, row.oidc_issuer, row.oidc_subject, row.role],
    ['oidc', null, idp.issuer, 'sub-alice', 'admin'],
  );
  // The login in flight is gone: its cookie is cleared and its row deleted.
  assert.ok(!b.cookieNames().some((n) => n.startsWith('orca_oidc_')), b.cookieNames().join());
  const pending = await app.database.handle.pool.query('select count(*)::int as n from oidc_logins');
  assert.equal(pending.rows[0].n, 0);
  assert.deepEqual(idp.serverErrors, []);
});

test('the group claim maps to the highest role; a group only in UserInfo counts; the name falls back to email', async () => {
  const oscar = await signIn('sub-oscar');
  assert.equal((await me(oscar.b)).user?.role, 'operator');
  const vera = await signIn('sub-vera');
  const v = (await me(vera.b)).user;
  assert.deepEqual([v?.username, v?.role], ['vera@example.com', 'viewer']);
  // An operator's session is limited like a password login's.
  const res = await oscar.b.request(new URL(`${app.url}/api/v1/audit`));
  assert.equal(res.status, 403);
});

test('a user none of whose groups is mapped is refused with a clear page, and no user is created', async () => {
  const b = new TestBrowser();
  const page = await finish(b, await toCallback(b, 'sub-nora'));
  assert.equal(page.status, 403);
  assert.match(page.body, /nora has no orca role: none of the values of the &#34;groups&#34; claim/);
  assert.equal(b.cookie('orca_session'), undefined);
  assert.equal(await userRow('nora'), undefined);
});

test('the role follows the claim at every sign-in, down as well as up; a disabled user is refused', async () => {
  idp.setAccount({ sub: 'sub-dave', preferred_username: 'dave', groups: ['orca-admins'] });
  const first = await signIn('sub-dave');
  assert.equal((await me(first.b)).user?.role, 'admin');
  idp.setAccount({ sub: 'sub-dave', preferred_username: 'dave', groups: ['orca-view'] });
  const second = await signIn('sub-dave');
  assert.equal((await me(second.b)).user?.role, 'viewer');
  // The earlier session is demoted as well: the role is the user's, not the session's.
  assert.equal((await me(first.b)).user?.role, 'viewer');
  assert.equal((await userRow('dave')).role, 'viewer');

  await app.database.handle.pool.query(`update users set disabled = true where username = 'dave'`);
  const b = new TestBrowser();
  const refused = await finish(b, await toCallback(b, 'sub-dave'));
  assert.equal(refused.status, 403);
  assert.match(refused.body, /the orca account dave is disabled/);
  assert.equal(b.cookie('orca_session'), undefined);
});

test('an SSO user cannot log in with a password; the answer is the usual one', async () => {
  const res = await app.api('/auth/login', {
    token: null,
    body: { username: 'alice', password: 'anything-at-all' },
  });
  assert.equal(res.status, 401);
  const body = (await res.json()) as { error: { message: string } };
  assert.equal(body.error.message, 'wrong user name or password');
});

test('a user name that belongs to a local user is refused, never merged', async () => {
  const b = new TestBrowser();
  const page = await finish(b, await toCallback(b, 'sub-mallory'));
  assert.equal(page.status, 409);
  assert.match(
    page.body,
    new RegExp(
      `the user name ${ADMIN_USER} already belongs to an orca user who signs in with a password; orca does not merge accounts`,
    ),
  );
  assert.equal(b.cookie('orca_session'), undefined);
  const admin = await userRow(ADMIN_USER);
  assert.deepEqual([admin.auth_source, admin.oidc_subject], ['local', null]);
  assert.ok(admin.password_hash);
});

test('PKCE S256 is sent, the provider enforces it, and a code cannot be redeemed under another login', async () => {
  const b = new TestBrowser();
  const start = await b.request(new URL(loginUrl()));
  assert.equal(start.status, 302);
  const authorize = new URL(start.headers.get('location') ?? '');
  assert.equal(authorize.origin, idp.issuer);
  const p = authorize.searchParams;
  assert.equal(p.get('code_challenge_method'), 'S256');
  assert.equal(p.get('response_type'), 'code');
  assert.ok(p.get('nonce') && p.get('state'));
  const state = p.get('state') ?? '';
  const stored = await app.database.handle.pool.query(
    'select code_verifier from oidc_logins where state_hash = $1',
    [createHash('sha256').update(state).digest('hex')],
  );
  const verifier: string = stored.rows[0].code_verifier;
  assert.equal(p.get('code_challenge'), createHash('sha256').update(verifier).digest('base64url'));
  // The same request without the challenge is refused by the provider.
  const bare = new URL(authorize);
  bare.searchParams.delete('code_challenge');
  bare.searchParams.delete('code_challenge_method');
  const refused = await b.follow(bare, atCallback);
  assert.equal(refused.status, null);
  assert.equal(refused.url.searchParams.get('error'), 'invalid_request');
  assert.match(refused.url.searchParams.get('error_description') ?? '', /requires PKCE/);

  // Two logins in one browser; the first one's code comes back with the second one's state.
  const browser = new TestBrowser();
  const first = await toCallback(browser, 'sub-alice');
  const second = await toCallback(browser, 'sub-alice');
  const swapped = new URL(second);
  swapped.searchParams.set('code', first.searchParams.get('code') ?? '');
  const page = await finish(browser, swapped);
  assert.equal(page.status, 401);
  assert.match(page.body, /the identity provider&#39;s answer was refused \(invalid_grant/);
  assert.equal(browser.cookie('orca_session'), undefined);
  // The first login still completes with its own state and code.
  const ok = await finish(browser, first);
  assert.equal(ok.status, null);
  assert.equal((await me(browser)).user?.username, 'alice');
});

test('unknown, replayed, expired and foreign states are refused; so is a wrong nonce', async () => {
  const b = new TestBrowser();
  const unknown = await b.follow(`${app.url}${CALLBACK}?code=x&state=not-a-state`);
  assert.equal(unknown.status, 400);
  assert.match(unknown.body, /this sign-in has expired or was already used/);
  const bare = await b.follow(`${app.url}${CALLBACK}`);
  assert.equal(bare.status, 400);

  const callback = await toCallback(b, 'sub-oscar');
  assert.equal((await finish(b, callback)).status, null);
  const replay = await finish(b, callback);
  assert.equal(replay.status, 400);
  assert.match(replay.body, /expired or was already used/);

  // The callback link opened in another browser (login CSRF) is refused.
  const victim = new TestBrowser();
  const foreign = await finish(victim, await toCallback(new TestBrowser(), 'sub-oscar'));
  assert.equal(foreign.status, 400);
  assert.match(foreign.body, /started in another browser/);
  assert.equal(victim.cookie('orca_session'), undefined);

  const late = new TestBrowser();
  const lateCallback = await toCallback(late, 'sub-oscar');
  await app.database.handle.pool.query(`update oidc_logins set expires_at = now() - interval '1 second'`);
  const expired = await finish(late, lateCallback);
  assert.equal(expired.status, 400);
  assert.match(expired.body, /expired or was already used/);

  const tampered = new TestBrowser();
  const tamperedCallback = await toCallback(tampered, 'sub-oscar');
  await app.database.handle.pool.query(`update oidc_logins set nonce = 'not-the-nonce-that-was-sent'`);
  const wrongNonce = await finish(tampered, tamperedCallback);
  assert.equal(wrongNonce.status, 401);
  assert.match(wrongNonce.body, /answer was refused.*nonce/);
  assert.equal(tampered.cookie('orca_session'), undefined);
});

test('a sign-in cancelled at the provider (access_denied) says so; returnTo elsewhere lands on /', async () => {
  const b = new TestBrowser();
  const page = await b.follow(loginUrl('https://evil.example/'), atCallback);
  const abort = abortLinkOf(page);
  assert.ok(abort, page.body.slice(0, 500));
  const back = await b.follow(abort, atCallback);
  assert.equal(back.url.searchParams.get('error'), 'access_denied');
  const refused = await finish(b, back.url);
  assert.equal(refused.status, 401);
  assert.match(refused.body, /the identity provider did not sign you in \(access_denied/);

  const { landing } = await signIn('sub-oscar', '//evil.example/x');
  assert.equal(landing.url.href, `${app.url}/`);
});

test('sign-ins and refusals are in the audit log', async () => {
  const res = await app.api('/audit?limit=1000&action=auth.oidc.login');
  assert.equal(res.status, 200);
  const entries = (await res.json()) as {
    actor: string;
    status: number;
    via: string;
    request: Record<string, unknown>;
  }[];
  const alice = entries.find((e) => e.actor === 'alice' && e.status === 200);
  assert.ok(alice, 'alice signing in');
  assert.deepEqual([alice.via, alice.request.subject, alice.request.role], ['public', 'sub-alice', 'admin']);
  const nora = entries.find((e) => e.actor === 'nora');
  assert.equal(nora?.status, 403);
  assert.match(String(nora?.request.refused), /no orca role/);
  assert.ok(
    entries.some((e) => e.actor === ADMIN_USER && e.status === 409),
    'the name collision',
  );
  assert.ok(
    entries.some((e) => e.actor === 'dave' && e.status === 403),
    'the disabled user',
  );
  assert.ok(!JSON.stringify(entries).includes(idp.clientSecret));
});

test('on the command line an SSO user logs in with a token from the web UI, and a password login says so', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'orca-cli-sso-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const refused = await orca(['login', '--url', app.url, '--username', 'alice'], {
    configDir: dir,
    stdin: 'not-a-password\n',
  });
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /wrong user name or password\. Users who sign in with Test IdP: create an API token/,
  );

  const { b } = await signIn('sub-alice');
  const session = await (await b.request(new URL(`${app.url}/api/v1/auth/me`))).json();
  const created = await fetch(`${app.url}/api/v1/tokens`, {
    method: 'POST',
    headers: {
      cookie: `orca_session=${b.cookie('orca_session')?.value}`,
      'x-csrf-token': (session as { csrfToken: string }).csrfToken,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ name: 'laptop' }),
  });
  assert.equal(created.status, 201);
  const { secret } = (await created.json()) as { secret: string };
  const login = await orca(['login', '--url', app.url, '--with-token'], {
    configDir: dir,
    stdin: `${secret}\n`,
  });
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stdout, /logged in to .* as alice/);
  const runs = await orca(['runs', 'list'], { configDir: dir });
  assert.equal(runs.code, 0, runs.stderr);
  const bad = await orca(['login', '--url', app.url, '--with-token'], {
    configDir: dir,
    stdin: 'orca_nope\n',
  });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown, expired or revoked/);
});

test('hostile input to the sign-in routes is refused with a page, never a 500 or a stack trace', async () => {
  const values = [
    '',
    '\u0000',
    '%00',
    '/\u00fc/x',
    '<script>alert(1)</script>',
    'a'.repeat(5000),
    "' or 1=1 --",
  ];
  for (const v of values) {
    for (const path of [
      // Not UTF-8 once decoded.
      '/api/v1/auth/oidc/login?returnTo=/%ED%A0%80%ff',
      '/api/v1/auth/oidc/callback?state=%ED%A0%80&code=%ff&error=%ff',
      `/api/v1/auth/oidc/login?returnTo=${encodeURIComponent(v)}`,
      `/api/v1/auth/oidc/callback?state=${encodeURIComponent(v)}&code=${encodeURIComponent(v)}`,
      `/api/v1/auth/oidc/callback?error=${encodeURIComponent(v)}&error_description=${encodeURIComponent(v)}`,
    ]) {
      const res = await fetch(`${app.url}${path}`, { redirect: 'manual' });
      const text = await res.text();
      assert.ok(res.status < 500, `${res.status} for ${path.slice(0, 100)}: ${text.slice(0, 200)}`);
      assert.doesNotMatch(text, /\n\s+at |node_modules|<script>/, path.slice(0, 100));
    }
  }
});
