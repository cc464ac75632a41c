/**
 * Serving HTTPS (ORCA_TLS_CERT / ORCA_TLS_KEY) and running behind a reverse proxy
 * (ORCA_TRUST_PROXY): the session cookie is Secure over TLS, and forwarded headers count only
 * when the proxy is trusted.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../src/config/index.ts';
import { ADMIN_PASSWORD, ADMIN_USER, startTestApp, type TestApp } from './support/app.ts';
import { type CertificatePaths, makeTestCertificates } from './support/winrm-server/index.ts';

let dir: string;
let certs: CertificatePaths;
let tlsApp: TestApp;
let proxied: TestApp;

before(async () => {
  // The test app logs in with fetch, which cannot be given a CA: this file's process skips
  // verification there. The checks below verify the certificate themselves.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  dir = await mkdtemp(join(tmpdir(), 'orca-tls-'));
  certs = await makeTestCertificates(dir, ['127.0.0.1']);
  [tlsApp, proxied] = await Promise.all([
    startTestApp({ worker: false, env: { ORCA_TLS_CERT: certs.certPath, ORCA_TLS_KEY: certs.keyPath } }),
    startTestApp({ worker: false, env: { ORCA_TRUST_PROXY: '1' } }),
  ]);
});
after(async () => {
  await Promise.all([tlsApp?.stop(), proxied?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

function httpsLogin(url: string): Promise<{ status: number; cookie: string; hsts: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ username: ADMIN_USER, password: ADMIN_PASSWORD });
    const req = https.request(
      `${url}/api/v1/auth/login`,
      {
        method: 'POST',
        ca: certs.caCert,
        rejectUnauthorized: true,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            cookie: String(res.headers['set-cookie'] ?? ''),
            hsts: String(res.headers['strict-transport-security'] ?? ''),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('with a certificate and key the server speaks HTTPS, and its session cookie is Secure', async () => {
  assert.match(tlsApp.url, /^https:\/\//);
  const r = await httpsLogin(tlsApp.url);
  assert.equal(r.status, 200);
  assert.match(r.cookie, /orca_session=.*; Secure/i);
  assert.match(r.cookie, /HttpOnly/i);
  assert.match(r.hsts, /max-age=31536000/, 'HSTS over HTTPS');
  await assert.rejects(
    fetch(`${tlsApp.url.replace('https', 'http')}/api/v1/health`),
    'no plain HTTP on that port',
  );
});

test('behind a trusted proxy, X-Forwarded-Proto makes the cookie Secure; a half-set TLS pair is refused', async () => {
  const login = (headers: Record<string, string>) =>
    fetch(`${proxied.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username: ADMIN_USER, password: ADMIN_PASSWORD }),
    });
  const viaProxy = await login({ 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' });
  assert.equal(viaProxy.status, 200);
  assert.match(viaProxy.headers.get('set-cookie') ?? '', /; Secure/i);
  const audit = (await (await proxied.api('/audit?action=auth.login')).json()) as { address: string }[];
  assert.ok(
    audit.some((e) => e.address === '203.0.113.9'),
    'the client address is the forwarded one',
  );
  assert.throws(() => loadConfig({ ORCA_TLS_CERT: certs.certPath }), /ORCA_TLS_KEY/);
});
