import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './index.ts';

const SSO = {
  ORCA_OIDC_ISSUER: 'https://login.example.com/realms/main',
  ORCA_OIDC_CLIENT_ID: 'orca',
  ORCA_OIDC_CLIENT_SECRET: 's3cret',
  ORCA_OIDC_ROLE_MAP: 'orca-admins=admin,orca-ops=operator',
};

test('single sign-on is off without an issuer', () => {
  assert.equal(loadConfig({}).oidc, null);
});

test('the SSO settings have defaults for scopes, claims and label', () => {
  const oidc = loadConfig({ ...SSO, ORCA_PUBLIC_URL: 'https://orca.example.com/' }).oidc;
  assert.ok(oidc);
  assert.equal(oidc.issuer, SSO.ORCA_OIDC_ISSUER);
  assert.equal(oidc.scopes, 'openid profile email');
  assert.equal(oidc.roleClaim, 'groups');
  assert.deepEqual(oidc.usernameClaims, ['preferred_username', 'email', 'sub']);
  assert.deepEqual(oidc.roleMap, [
    { value: 'orca-admins', role: 'admin' },
    { value: 'orca-ops', role: 'operator' },
  ]);
  assert.equal(oidc.defaultRole, null);
  assert.equal(oidc.publicUrl, 'https://orca.example.com');
  assert.equal(oidc.allowHttp, false);
  const derived = loadConfig({
    ...SSO,
    ORCA_OIDC_USERNAME_CLAIM: 'email',
    ORCA_OIDC_DEFAULT_ROLE: 'viewer',
  }).oidc;
  assert.equal(derived?.publicUrl, null);
  assert.deepEqual(derived?.usernameClaims, ['email', 'sub']);
  assert.equal(derived?.defaultRole, 'viewer');
});

test('each bad SSO variable is named at start-up', () => {
  const bad = (env: Record<string, string>, pattern: RegExp) =>
    assert.throws(() => loadConfig({ ...SSO, ...env }), pattern);
  bad({ ORCA_OIDC_ISSUER: 'http://login.example.com' }, /ORCA_OIDC_ISSUER: must be https/);
  bad({ ORCA_OIDC_ISSUER: 'not a url' }, /ORCA_OIDC_ISSUER/);
  bad({ ORCA_OIDC_CLIENT_ID: '' }, /ORCA_OIDC_CLIENT_ID: is required/);
  bad({ ORCA_OIDC_CLIENT_SECRET: '' }, /ORCA_OIDC_CLIENT_SECRET: is required/);
  bad({ ORCA_OIDC_ROLE_MAP: 'orca-admins=root' }, /ORCA_OIDC_ROLE_MAP: "orca-admins=root" must be/);
  bad({ ORCA_OIDC_ROLE_MAP: '' }, /ORCA_OIDC_ROLE_MAP: is required.*ORCA_OIDC_DEFAULT_ROLE/);
  bad({ ORCA_OIDC_DEFAULT_ROLE: 'boss' }, /ORCA_OIDC_DEFAULT_ROLE: must be one of/);
  bad({ ORCA_OIDC_SCOPES: 'profile email' }, /ORCA_OIDC_SCOPES: must include openid/);
  bad({ ORCA_OIDC_CLIENT_SECRET_FILE: '/nonexistent/secret' }, /set either ORCA_OIDC_CLIENT_SECRET or this/);
  assert.throws(
    () => loadConfig({ ORCA_OIDC_CLIENT_ID: 'orca' }),
    /ORCA_OIDC_CLIENT_ID: single sign-on is off: set ORCA_OIDC_ISSUER too/,
  );
});

test('an http issuer is accepted on loopback only; the secret may come from a file', async () => {
  assert.equal(loadConfig({ ...SSO, ORCA_OIDC_ISSUER: 'http://127.0.0.1:9000' }).oidc?.allowHttp, true);
  assert.equal(loadConfig({ ...SSO, ORCA_OIDC_ISSUER: 'http://localhost:9000/x' }).oidc?.allowHttp, true);
  const dir = await mkdtemp(join(tmpdir(), 'orca-oidc-'));
  try {
    const file = join(dir, 'secret');
    await writeFile(file, 'from-a-file\n');
    const { ORCA_OIDC_CLIENT_SECRET: _, ...rest } = SSO;
    assert.equal(
      loadConfig({ ...rest, ORCA_OIDC_CLIENT_SECRET_FILE: file }).oidc?.clientSecret,
      'from-a-file',
    );
    assert.throws(
      () => loadConfig({ ...rest, ORCA_OIDC_CLIENT_SECRET_FILE: join(dir, 'missing') }),
      /ORCA_OIDC_CLIENT_SECRET_FILE: cannot read the file \(ENOENT\)/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
