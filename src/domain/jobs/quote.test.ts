import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, OrcaError } from '../errors.ts';
import { quoteFor, quoteValue } from './quote.ts';

const refusedAt = (path: string, pattern: RegExp) => (e: unknown) =>
  e instanceof OrcaError &&
  e.code === ErrorCode.validation &&
  e.details[0]?.path === path &&
  pattern.test(e.message);

test("sh: POSIX single quotes, a quote as '\\''", () => {
  assert.equal(quoteFor('sh', "it's"), "'it'\\''s'");
  assert.equal(quoteFor('sh', ''), "''");
  assert.equal(quoteFor('sh', '$(id) `id` "x" \\'), '\'$(id) `id` "x" \\\'');
});

test('PowerShell: single-quoted literal doubling straight and typographic single quotes', () => {
  assert.equal(quoteFor('powershell', "it's"), "'it''s'");
  assert.equal(quoteFor('powershell', '‘a’ ‚b‛'), "'‘‘a’’ ‚‚b‛‛'");
  assert.equal(quoteFor('powershell', '“x” $env:PATH `n'), "'“x” $env:PATH `n'");
  assert.equal(quoteFor('powershell', ''), "''");
});

test('cmd: double quotes, trailing backslashes doubled so the closing quote stays a quote', () => {
  assert.equal(quoteFor('cmd', 'a & calc | x ^ <y> (z)'), '"a & calc | x ^ <y> (z)"');
  assert.equal(quoteFor('cmd', 'C:\\Program Files\\'), '"C:\\Program Files\\\\"');
  assert.equal(quoteFor('cmd', 'C:\\a\\b'), '"C:\\a\\b"');
  assert.equal(quoteFor('cmd', ''), '""');
});

test('cmd refuses ", %, !, CR, LF and NUL, naming the parameter and what to do', () => {
  for (const bad of ['"', '%', '!', '\r', '\n', '\0']) {
    assert.throws(
      () => quoteFor('cmd', `a${bad}b`, 'parameters.dir'),
      refusedAt('parameters.dir', /^parameters\.dir /),
    );
  }
  assert.throws(
    () => quoteFor('cmd', '%PATH%', 'parameters.dir'),
    refusedAt(
      'parameters.dir',
      /^parameters\.dir cannot be passed to cmd safely: it contains "%", which cmd acts on even inside double quotes .*PowerShell/,
    ),
  );
});

test('a NUL is refused for every shell', () => {
  for (const shell of ['sh', 'powershell', 'cmd'] as const) {
    assert.throws(() => quoteFor(shell, 'a\0b', 'parameters.v'), refusedAt('parameters.v', /NUL/));
  }
});

test('numbers and booleans: plain in sh and cmd, $true/$false in PowerShell', () => {
  assert.equal(quoteValue('sh', 3), '3');
  assert.equal(quoteValue('sh', -2.5), '-2.5');
  assert.equal(quoteValue('sh', true), 'true');
  assert.equal(quoteValue('cmd', false), 'false');
  assert.equal(quoteValue('powershell', true), '$true');
  assert.equal(quoteValue('powershell', false), '$false');
  assert.equal(quoteValue('powershell', 1e21), '1e+21');
  assert.throws(() => quoteValue('sh', Number.NaN, 'parameters.n'), refusedAt('parameters.n', /NaN/));
});

test('lists: separate quoted words in sh and cmd, an array literal in PowerShell', () => {
  assert.equal(quoteValue('sh', ['a b', "c'd"]), "'a b' 'c'\\''d'");
  assert.equal(quoteValue('cmd', ['a b', 'c']), '"a b" "c"');
  assert.equal(quoteValue('powershell', ['a b', "c'd"]), "@('a b', 'c''d')");
  assert.equal(quoteValue('powershell', [80, 443]), '@(80, 443)');
  assert.equal(quoteValue('sh', [80, 443]), '80 443');
  assert.equal(quoteValue('sh', []), '');
  assert.equal(quoteValue('powershell', []), '@()');
  assert.throws(() => quoteValue('cmd', ['ok', '%x%'], 'parameters.l'), refusedAt('parameters.l[1]', /"%"/));
});

test('null (a step without exit code) is an empty string', () => {
  assert.equal(quoteValue('sh', null), "''");
  assert.equal(quoteValue('powershell', null), "''");
});
