import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Host } from '../api/types.ts';
import {
  createBody,
  EMPTY_HOST,
  type HostValues,
  parseLabels,
  platformDetail,
  platformLabel,
  updateBody,
  valuesOf,
  withOs,
} from './host-form.ts';

const base: HostValues = {
  ...EMPTY_HOST,
  name: ' web-1 ',
  address: '10.0.0.5',
  username: 'deploy',
  credentialId: 'c1',
};

function host(overrides: Partial<Host> = {}): Host {
  return {
    id: 'h1',
    projectId: 'p1',
    name: 'win-1',
    address: '10.0.0.9',
    port: 5985,
    os: 'windows',
    transport: 'winrm',
    shell: 'powershell',
    winrm: { https: false, auth: 'negotiate', allowUnencrypted: false, caCert: null, skipVerify: false },
    username: 'CORP\\deploy',
    credentialId: 'c1',
    credentialName: 'pw',
    hostKey: null,
    pendingHostKey: null,
    lastCheck: null,
    jumpHost: null,
    becomeCredentialId: null,
    becomeCredentialName: null,
    health: { status: 'unknown', latencyMs: null, failureKind: null, message: null, checkedAt: null },
    facts: null,
    tags: [],
    labels: {},
    pool: null,
    groups: [],
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    ...overrides,
  };
}

test('a Linux host is sent without a port unless one was typed, and without WinRM options', () => {
  assert.deepEqual(createBody(base), {
    name: 'web-1',
    address: '10.0.0.5',
    os: 'linux',
    transport: 'ssh',
    shell: 'sh',
    username: 'deploy',
    credentialId: 'c1',
  });
  assert.equal(createBody({ ...base, port: 2222 }).port, 2222);
});

test('choosing Windows picks WinRM and PowerShell; certificate options go only with HTTPS', () => {
  const win = withOs(base, 'windows');
  assert.equal(win.transport, 'winrm');
  assert.equal(win.shell, 'powershell');
  const typed = { ...win, winrm: { ...win.winrm, caCert: '-----BEGIN CERTIFICATE-----', skipVerify: true } };
  assert.deepEqual(createBody(typed).winrm, {
    https: false,
    auth: 'negotiate',
    allowUnencrypted: false,
    caCert: null,
    skipVerify: false,
  });
  const https = createBody({ ...typed, winrm: { ...typed.winrm, https: true, allowUnencrypted: true } });
  assert.deepEqual(https.winrm, {
    https: true,
    auth: 'negotiate',
    allowUnencrypted: false,
    caCert: '-----BEGIN CERTIFICATE-----',
    skipVerify: true,
  });
  assert.equal(withOs(win, 'linux').shell, 'sh');
});

test('editing sends only what changed, and a default port stays out', () => {
  const h = host();
  assert.equal(valuesOf(h).port, '');
  assert.deepEqual(updateBody(h, valuesOf(h)), {});
  const v = valuesOf(h);
  assert.deepEqual(updateBody(h, { ...v, winrm: { ...v.winrm, https: true } }), {
    winrm: { https: true, auth: 'negotiate', allowUnencrypted: false, caCert: null, skipVerify: false },
  });
  assert.deepEqual(updateBody(h, { ...v, shell: 'cmd' }), {
    os: 'windows',
    transport: 'winrm',
    shell: 'cmd',
  });
});

test('moving a host to Linux drops WinRM; clearing a typed port sends the default', () => {
  const h = host({ port: 15985 });
  const v = valuesOf(h);
  assert.equal(v.port, 15985);
  assert.deepEqual(updateBody(h, withOs(v, 'linux')), { os: 'linux', transport: 'ssh', shell: 'sh' });
  assert.deepEqual(updateBody(h, { ...v, port: '' }), { port: 5985 });
});

test('a host reads as its OS and transport at a glance', () => {
  assert.equal(
    platformLabel(host({ os: 'linux', transport: 'ssh', shell: 'sh', winrm: null })),
    'Linux · SSH',
  );
  assert.equal(platformLabel(host()), 'Windows · WinRM http');
  const https = host({
    shell: 'cmd',
    winrm: { https: true, auth: 'basic', allowUnencrypted: false, caCert: null, skipVerify: false },
  });
  assert.equal(platformLabel(https), 'Windows · WinRM https · cmd');
  assert.equal(platformLabel(host({ transport: 'ssh', winrm: null })), 'Windows · OpenSSH');
  assert.equal(
    platformDetail(host()),
    'WinRM with Negotiate (NTLM) over HTTP, messages encrypted by NTLM; commands run in PowerShell',
  );
});

test('a jump host is sent when chosen (SSH and WinRM hosts alike), and clearing it sends null', () => {
  assert.equal(createBody({ ...base, jumpHost: 'jump-1' }).jumpHost, 'jump-1');
  assert.equal('jumpHost' in createBody(base), false);
  assert.equal(createBody({ ...withOs(base, 'windows'), jumpHost: 'jump-1' }).jumpHost, 'jump-1');
  const linux = host({
    os: 'linux',
    transport: 'ssh',
    shell: 'sh',
    winrm: null,
    port: 22,
    jumpHost: 'jump-1',
  });
  assert.equal(valuesOf(linux).jumpHost, 'jump-1');
  assert.deepEqual(updateBody(linux, { ...valuesOf(linux), jumpHost: '' }), { jumpHost: null });
  assert.deepEqual(updateBody(linux, { ...valuesOf(linux), jumpHost: 'jump-2' }), { jumpHost: 'jump-2' });
  assert.deepEqual(updateBody(linux, valuesOf(linux)), {});
});

test('tags, labels and groups go with a new host when given; an edit sends those that changed', () => {
  assert.deepEqual(
    createBody({ ...base, tags: ['web'], labels: 'env=prod\n\n team = edge ', groups: ['eu'] }),
    {
      ...createBody(base),
      tags: ['web'],
      labels: { env: 'prod', team: 'edge' },
      groups: ['eu'],
    },
  );
  const h = host({ tags: ['a'], labels: { env: 'prod' }, groups: ['g'] });
  const v = valuesOf(h);
  assert.equal(v.labels, 'env=prod');
  assert.deepEqual(updateBody(h, v), {});
  assert.deepEqual(updateBody(h, { ...v, tags: [], groups: ['g', 'h'] }), { tags: [], groups: ['g', 'h'] });
  assert.deepEqual(updateBody(h, { ...v, labels: '' }), { labels: {} });
  assert.deepEqual(parseLabels('a=1\nbroken'), { labels: { a: '1' }, error: 'line 2: write key=value' });
});

test('a pool is sent when set, cleared to null on update, and left out when unchanged', () => {
  assert.equal(createBody(base).pool, undefined);
  assert.equal(createBody({ ...base, pool: ' zone=dmz ' }).pool, 'zone=dmz');
  const routed = host({ pool: 'zone=dmz' });
  assert.deepEqual(updateBody(routed, { ...valuesOf(routed), pool: '' }), { pool: null });
  assert.deepEqual(updateBody(routed, valuesOf(routed)), {});
  assert.deepEqual(updateBody(host(), { ...valuesOf(host()), pool: 'zone=lan' }), { pool: 'zone=lan' });
});
