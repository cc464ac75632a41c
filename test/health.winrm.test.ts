/** Facts of a Windows host through WinRM: the check runs the PowerShell facts script on the test server. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support/app.ts';
import { addPasswordCredential } from './support/fleet.ts';
import { DEFAULT_USER, startWinrmServer, type WinrmTestServer } from './support/winrm-server/index.ts';

let app: TestApp;
let win: WinrmTestServer;

before(async () => {
  [app, win] = await Promise.all([startTestApp(), startWinrmServer()]);
});
after(async () => {
  await app?.stop();
  await win?.close();
});

test('a check of a WinRM host records it up, with its facts from PowerShell', async () => {
  const credentialId = await addPasswordCredential(app, 'win-pw', DEFAULT_USER.password);
  const created = await app.api('/hosts', {
    body: {
      name: 'win-1',
      address: '127.0.0.1',
      os: 'windows',
      port: win.port,
      username: DEFAULT_USER.username,
      credentialId,
    },
  });
  assert.equal(created.status, 201, await created.clone().text());
  const { id } = (await created.json()) as { id: string };
  const check = (await (await app.api(`/hosts/${id}/test`, { method: 'POST' })).json()) as { ok: boolean };
  assert.equal(check.ok, true, JSON.stringify(check));
  const host = (await (await app.api(`/hosts/${id}`)).json()) as {
    health: { status: string; failureKind: string | null };
    facts: Record<string, string> | null;
  };
  assert.equal(host.health.status, 'up');
  assert.equal(host.health.failureKind, null);
  const { gatheredAt, ...facts } = host.facts ?? {};
  assert.ok(gatheredAt);
  assert.deepEqual(facts, {
    hostname: 'WINTEST',
    os: 'Microsoft Windows Server 2022 Datacenter',
    osVersion: '10.0.20348',
    kernel: '20348',
    arch: 'AMD64',
  });
  const listed = (await (await app.api('/hosts?os=windows%20server')).json()) as { name: string }[];
  assert.deepEqual(
    listed.map((h) => h.name),
    ['win-1'],
  );
});
