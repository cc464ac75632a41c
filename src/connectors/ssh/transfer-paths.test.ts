import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { decodePowerShell } from '../windows/powershell.ts';
import { EXIT_NO_HASHER, hashCommand, parseSha256, sftpPath, tempPathBeside } from './transfer-paths.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'orca-transfer-paths-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the temporary file sits beside the target under a hidden name', () => {
  assert.equal(tempPathBeside('linux', '/srv/app/config.yml', 'ab12'), '/srv/app/.config.yml.orca-ab12');
  assert.equal(tempPathBeside('linux', 'relative/x', 'ab12'), 'relative/.x.orca-ab12');
  assert.equal(tempPathBeside('linux', 'x', 'ab12'), '.x.orca-ab12');
  assert.equal(tempPathBeside('linux', '/x', 'ab12'), '/.x.orca-ab12');
  assert.equal(
    tempPathBeside('windows', 'C:\\Program Files\\app.exe', 'ab12'),
    'C:\\Program Files\\.app.exe.orca-ab12',
  );
  assert.equal(tempPathBeside('windows', 'C:/Temp/x.txt', 'ab12'), 'C:\\Temp\\.x.txt.orca-ab12');
});

test('SFTP paths: POSIX unchanged, Windows drive paths in the form OpenSSH for Windows takes', () => {
  assert.equal(sftpPath('linux', "/a b/it's"), "/a b/it's");
  assert.equal(sftpPath('windows', 'C:\\Temp\\x.txt'), '/C:/Temp/x.txt');
  assert.equal(sftpPath('windows', 'relative\\x'), 'relative/x');
});

test('parseSha256 finds the hash in every tool output form', () => {
  const hex = `${'a'.repeat(63)}B`;
  assert.equal(parseSha256(`${hex}  -\n`), hex.toLowerCase());
  assert.equal(parseSha256(`SHA2-256(stdin)= ${hex}\n`), hex.toLowerCase());
  assert.equal(parseSha256(`${hex.toUpperCase()}\r\n`), hex.toLowerCase());
  assert.equal(parseSha256(`${hex}0\n`), null, 'a longer hex run is no SHA-256');
  assert.equal(parseSha256(''), null);
});

/** Runs the POSIX hash command with only `tools` on PATH. */
async function hashWith(tools: readonly string[], path: string) {
  const bin = mkdtempSync(join(dir, 'bin-'));
  for (const tool of tools) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
  return run('/bin/sh', ['-c', hashCommand({ os: 'linux', shell: 'sh' }, path)], { env: { PATH: bin } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

test('the POSIX hash command falls back from sha256sum to shasum to openssl, and says when none is there', async () => {
  const path = join(dir, 'it\'s a "file" $(x) ü');
  writeFileSync(path, 'hash me\n');
  const expected = createHash('sha256').update('hash me\n').digest('hex');
  for (const tools of [['sha256sum'], ['shasum'], ['openssl']]) {
    const r = await hashWith(tools, path);
    assert.equal(r.code, 0, `${tools[0]}: ${r.stderr}`);
    assert.equal(parseSha256(r.stdout), expected, tools[0]);
  }
  const none = await hashWith([], path);
  assert.equal(none.code, EXIT_NO_HASHER);
  assert.match(none.stderr, /none of sha256sum, shasum or openssl is installed/);
  const missing = await hashWith(['sha256sum'], join(dir, 'missing'));
  assert.notEqual(missing.code, 0);
});

test('the Windows hash command is Get-FileHash, through powershell.exe only where the shell is cmd', () => {
  const script = hashCommand({ os: 'windows', shell: 'powershell' }, "C:\\it's.txt");
  assert.match(script, /\(Get-FileHash -Algorithm SHA256 -LiteralPath 'C:\\it''s\.txt'\)\.Hash$/);
  const viaCmd = hashCommand({ os: 'windows', shell: 'cmd' }, "C:\\it's.txt");
  const encoded =
    /^powershell\.exe -NoLogo -NoProfile -NonInteractive -EncodedCommand ([A-Za-z0-9+/=]+)$/.exec(viaCmd);
  assert.ok(encoded?.[1]);
  assert.equal(decodePowerShell(encoded[1]), script);
});
