/**
 * HTTP hardening: security headers on the UI page and the API, CORS (same origin unless listed
 * in ORCA_CORS_ORIGINS; preflights from other origins refused), HSTS only over HTTPS, and a
 * clear 413 for bodies over a route's limit.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';

const ALLOWED = 'https://tools.example.com';
const FOREIGN = 'https://evil.example.net';
let app: TestApp;
let webDir = '';

before(async () => {
  webDir = await mkdtemp(join(tmpdir(), 'orca-web-headers-'));
  await writeFile(join(webDir, 'index.html'), '<!doctype html><title>orca</title><div id="root"></div>');
  app = await startTestApp({ worker: false, env: { ORCA_WEB_DIR: webDir, ORCA_CORS_ORIGINS: ALLOWED } });
});
after(async () => {
  await app?.stop();
  await rm(webDir, { recursive: true, force: true });
});

function assertSecurityHeaders(res: Response, what: string): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  for (const directive of [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ]) {
    assert.ok(csp.includes(directive), `${what}: CSP has ${directive}: ${csp}`);
  }
  assert.ok(!/script-src[^;]*unsafe-inline/.test(csp), `${what}: no inline scripts`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer', what);
  assert.equal(res.headers.get('x-frame-options'), 'DENY', what);
  assert.equal(res.headers.get('strict-transport-security'), null, `${what}: no HSTS over plain HTTP`);
}

test('the UI page and the API carry the security headers', async () => {
  const page = await fetch(`${app.url}/hosts`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="root">/);
  assertSecurityHeaders(page, 'UI page');
  const api = await app.api('/hosts');
  assert.equal(api.status, 200);
  assertSecurityHeaders(api, 'API');
  const unauthenticated = await app.api('/hosts', { token: null });
  assert.equal(unauthenticated.status, 401);
  assertSecurityHeaders(unauthenticated, 'API error');
});

test('a foreign origin gets no CORS headers and its preflight is refused', async () => {
  const res = await fetch(`${app.url}/api/v1/health`, { headers: { origin: FOREIGN } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  const preflight = await fetch(`${app.url}/api/v1/hosts`, {
    method: 'OPTIONS',
    headers: {
      origin: FOREIGN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  assert.equal(preflight.status, 403);
  assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  const body = (await preflight.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'forbidden');
  assert.match(body.error.message, /ORCA_CORS_ORIGINS/);
});

test('an origin in ORCA_CORS_ORIGINS may call the API with a token, never with cookies', async () => {
  const preflight = await fetch(`${app.url}/api/v1/hosts`, {
    method: 'OPTIONS',
    headers: {
      origin: ALLOWED,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), ALLOWED);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
  assert.equal(preflight.headers.get('access-control-allow-credentials'), null);
  const res = await fetch(`${app.url}/api/v1/hosts`, {
    headers: { origin: ALLOWED, authorization: `Bearer ${app.token}` },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), ALLOWED);
  assert.match(res.headers.get('vary') ?? '', /Origin/i);
  assert.equal(res.headers.get('access-control-allow-credentials'), null);
});

test('same-origin requests (the UI) work with their Origin header', async () => {
  const res = await fetch(`${app.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { origin: app.url, 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'wrong-password' }),
  });
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
});

test('a body over the route limit is a 413 that names the limit; imports take larger bodies', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), address: '127.0.0.1' });
  const res = await fetch(`${app.url}/api/v1/hosts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
    body: big,
  });
  assert.equal(res.status, 413);
  const body = (await res.json()) as { error: { code: string; message: string; details: unknown[] } };
  assert.equal(body.error.code, 'validation');
  assert.match(body.error.message, /too large: POST \/api\/v1\/hosts accepts at most 1048576 bytes/);
  const imported = await fetch(`${app.url}/api/v1/hosts/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
    body: big,
  });
  assert.notEqual(imported.status, 413, 'the import route has a larger limit');
});

test('HSTS is sent on HTTPS requests only: behind a trusted proxy that says so', async () => {
  await app.restart({ ORCA_TRUST_PROXY: 'true' });
  const https = await fetch(`${app.url}/api/v1/health`, { headers: { 'x-forwarded-proto': 'https' } });
  assert.match(https.headers.get('strict-transport-security') ?? '', /max-age=31536000/);
  const http = await fetch(`${app.url}/api/v1/health`);
  assert.equal(http.headers.get('strict-transport-security'), null);
});
