import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { assertEnvName, killCommand, shQuote, wrapCommand } from './command.ts';

const HOSTILE = [
  "'; rm -rf / #",
  '$(id)',
  '`id`',
  '${HOME}',
  'line one\nline two\n',
  'tab\there',
  'back\\slash \\n and \\',
  "\"double\" and 'single' and ''",
  '‘unicode’ “quotes” ✓ é',
  '-n',
  '*',
  '',
  '!event $? $$ & | ; < > ( ) { }',
];

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orca-command-test-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Runs a shell with the given script; stdin stays an open pipe unless the script redirects it. */
function shell(
  sh: string,
  script: string,
  env: Record<string, string> = {},
): Promise<{ stdout: Buffer; code: number | null; pid: number }> {
  return new Promise((resolve, reject) => {
    // HOME points at an empty dir: bash sources ~/.bashrc when its stdin is a socket, as here.
    const child = spawn(sh, ['-c', script], { env: { PATH: '/usr/bin:/bin', HOME: dir, ...env }, cwd: dir });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), code, pid: child.pid ?? -1 }));
  });
}

for (const sh of ['sh', 'bash']) {
  test(`shQuote makes ${sh} read hostile strings back byte for byte`, async () => {
    for (const value of HOSTILE) {
      const { stdout } = await shell(sh, `printf '%s' ${shQuote(value)}`);
      assert.equal(stdout.toString('utf8'), value, JSON.stringify(value));
    }
  });
}

test('shQuote uses single quotes and escapes a quote as quote-backslash-quote-quote', () => {
  assert.equal(shQuote("it's"), "'it'\\''s'");
  assert.equal(shQuote(''), "''");
  assert.throws(() => shQuote('a\0b'), /NUL/);
});

test('only portable environment variable names are accepted', () => {
  for (const ok of ['A', '_', 'a_1', 'PATH', '_X9']) assertEnvName(ok);
  for (const bad of ['', '1A', 'A-B', 'A B', 'A=B', 'A;B', '$(id)', 'É', 'A\nB']) {
    assert.throws(() => assertEnvName(bad), TypeError, JSON.stringify(bad));
  }
});

test('the wrapper prints the shell PID behind the marker, then runs the command with env and cwd', async () => {
  const cwd = join(dir, "it's a $(dir)\nwith `ticks`");
  await mkdir(cwd);
  const env = Object.fromEntries(HOSTILE.map((v, i) => [`ORCA_V${i}`, v]));
  const script = wrapCommand(
    `for i in ${HOSTILE.map((_, i) => i).join(' ')}; do eval "printf '%s|' \\"\\$ORCA_V$i\\""; done; pwd`,
    {
      env,
      cwd,
      pidMarker: 'ORCA_PID_test',
    },
  );
  for (const sh of ['sh', 'bash']) {
    const { stdout, code, pid } = await shell(sh, script, { CDPATH: '/' });
    assert.equal(code, 0);
    const text = stdout.toString('utf8');
    assert.equal(text, `ORCA_PID_test=${pid}\n${HOSTILE.map((v) => `${v}|`).join('')}${cwd}\n`);
  }
});

test('the wrapped command reads EOF from stdin instead of waiting for input', async () => {
  // The test's shell keeps stdin an open pipe: without the redirect, cat would wait forever.
  const { stdout, code } = await shell('sh', wrapCommand('cat; echo after', { pidMarker: 'M' }));
  assert.equal(code, 0);
  assert.match(stdout.toString(), /^M=\d+\nafter\n$/);
});

test('a missing working directory fails the command before it runs', async () => {
  const { stdout, code } = await shell(
    'sh',
    wrapCommand('echo ran', { cwd: join(dir, 'missing'), pidMarker: 'M' }),
  );
  assert.notEqual(code, 0);
  assert.doesNotMatch(stdout.toString(), /ran/);
});

test('the wrapper refuses what cannot be passed safely', () => {
  assert.throws(() => wrapCommand('true', { env: { 'BAD-NAME': 'x' }, pidMarker: 'M' }), /BAD-NAME/);
  assert.throws(() => wrapCommand('true', { env: { A: 'x\0y' }, pidMarker: 'M' }), /NUL/);
  assert.throws(() => wrapCommand('true\0', { pidMarker: 'M' }), /NUL/);
  assert.throws(() => wrapCommand('true', { pidMarker: "M'; id #" }), /plain word/);
});

test('the kill command targets the process group and refuses nonsense PIDs', () => {
  assert.match(killCommand(4242), /kill -KILL -- -4242/);
  for (const pid of [0, 1, -5, 1.5, Number.NaN]) assert.throws(() => killCommand(pid), RangeError);
});
