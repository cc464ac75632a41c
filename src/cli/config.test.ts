import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  configPath,
  normalizeUrl,
  readConfig,
  removeConfig,
  resolveConnection,
  writeConfig,
} from './config.ts';
import { CliError } from './io.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'orca-cli-config-'));
}

test('the login file is written 0600 in a 0700 directory and read back', async (t) => {
  const base = await tempDir();
  t.after(() => rm(base, { recursive: true, force: true }));
  const dir = join(base, 'orca');
  const path = await writeConfig(dir, { url: 'http://orca:8080', token: 'orca_secret' });
  assert.equal(path, configPath(dir));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.deepEqual(await readConfig(dir), { url: 'http://orca:8080', token: 'orca_secret' });
});

test('rewriting a file that was readable by others makes it 0600 again', async (t) => {
  const dir = await tempDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(configPath(dir), '{}', { mode: 0o644 });
  await writeConfig(dir, { url: 'http://a', token: 't' });
  assert.equal((await stat(configPath(dir))).mode & 0o777, 0o600);
  assert.match(await readFile(configPath(dir), 'utf8'), /"token": "t"/);
});

test('a missing file is no login; a broken one says how to fix it', async (t) => {
  const dir = await tempDir();
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal(await readConfig(dir), null);
  await writeFile(configPath(dir), 'not json');
  await assert.rejects(
    readConfig(dir),
    (e: unknown) => e instanceof CliError && /orca login/.test(e.message),
  );
  await writeFile(configPath(dir), '{"url": 1}');
  await assert.rejects(readConfig(dir), CliError);
  assert.equal(await removeConfig(dir), true);
  assert.equal(await removeConfig(dir), false);
});

test('flags win over the environment, which wins over the file', () => {
  const stored = { url: 'http://stored:8080', token: 'file-token' };
  assert.deepEqual(resolveConnection({}, {}, null), { url: 'http://localhost:8080', token: null });
  assert.deepEqual(resolveConnection({}, {}, stored), { url: 'http://stored:8080', token: 'file-token' });
  assert.deepEqual(resolveConnection({}, { ORCA_URL: 'http://env', ORCA_TOKEN: 'env-token' }, stored), {
    url: 'http://env',
    token: 'env-token',
  });
  assert.deepEqual(
    resolveConnection(
      { url: 'http://flag/', token: 'flag-token' },
      { ORCA_URL: 'http://env', ORCA_TOKEN: 'x' },
      stored,
    ),
    {
      url: 'http://flag',
      token: 'flag-token',
    },
  );
});

test('the saved token is only sent to the server it was made for', () => {
  const stored = { url: 'http://stored:8080/', token: 'file-token' };
  assert.equal(resolveConnection({ url: 'http://stored:8080' }, {}, stored).token, 'file-token');
  assert.equal(resolveConnection({ url: 'http://elsewhere:8080' }, {}, stored).token, null);
  assert.equal(resolveConnection({}, { ORCA_URL: 'https://elsewhere' }, stored).token, null);
});

test('server URLs must be http(s) and lose their trailing slash', () => {
  assert.equal(normalizeUrl('https://orca.example.com/'), 'https://orca.example.com');
  assert.equal(normalizeUrl('http://h:8080/prefix/'), 'http://h:8080/prefix');
  assert.throws(
    () => normalizeUrl('orca.example.com'),
    (e: unknown) => e instanceof CliError && e.exitCode === 2,
  );
  assert.throws(() => normalizeUrl('ftp://x'), CliError);
});
