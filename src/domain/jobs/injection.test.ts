// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ … }} is the job template syntax under test, not a mistaken JS template.
/**
 * No value can inject: hostile values rendered into commands come back out exactly. sh is run for
 * real (/bin/sh, dash, bash) with an empty PATH, so an injected `rm` would not even be found;
 * PowerShell is checked by parsing the literal back and through the WinRM test shim; cmd by its
 * refusals and the shim's cmd.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { shimHarness } from '../../../test/support/winrm-server/shim/harness.ts';
import { OrcaError } from '../errors.ts';
import { type RenderContext, renderTemplate } from './render.ts';

const ASCII = Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1));

const HOSTILE = [
  "'; rm -rf / #",
  "'; echo pwned > pwned #",
  '$(id)',
  '`id`',
  '$(echo pwned > pwned)',
  '"; Remove-Item C:\\ -Recurse #',
  "'; Remove-Item C:\\ -Recurse #",
  '$env:PATH',
  '${IFS}$HOME',
  'line1\nrm -rf / #',
  'a\nb\n',
  'a\rb',
  '\r\n',
  '\n',
  '‘; calc; ‘',
  '’ ; calc ; ‛',
  '‚x‛ “y” „z”',
  "it's ‘quoted’",
  '%PATH%',
  '!x!',
  '& calc',
  '| calc',
  '; calc',
  '',
  ' ',
  '  two  spaces  ',
  '\t',
  '*',
  '~',
  '-n',
  '--',
  '\\',
  'trailing\\',
  "\\'",
  "'",
  "''",
  '"',
  '@(calc)',
  "@'\ncalc\n'@",
  '<# x #> # y',
  'EOF',
  '🐋 ünïcödé',
  ASCII.join(''),
  'x'.repeat(100_000),
  "'".repeat(20_000),
  `${'a\'b"c$(d)`e`\\'.repeat(3000)}`,
];

const work = mkdtempSync(join(tmpdir(), 'orca-injection-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** /bin/sh and, when installed, dash and bash, by absolute path (the scripts run with an empty PATH). */
const shells = ['/bin/sh', 'dash', 'bash'].flatMap((name) => {
  const found = spawnSync('/bin/sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  return found.startsWith('/') ? [found] : [];
});

/** Runs sh text the way a host would, but with nothing on PATH: only builtins work. */
function runSh(sh: string, script: string): string {
  return execFileSync(sh, ['-c', script], {
    encoding: 'utf8',
    cwd: work,
    env: { PATH: join(work, 'empty') },
  });
}

const params = (v: unknown): RenderContext => ({ parameters: { v } as RenderContext['parameters'] });
const short = (v: string) => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}… (${v.length})` : v);

for (const sh of shells) {
  test(`${sh}: every hostile value is printed back exactly`, () => {
    for (const v of HOSTILE) {
      assert.equal(
        runSh(sh, renderTemplate("printf '%s' ${{ parameters.v }}", params(v), 'sh')),
        v,
        short(v),
      );
    }
    assert.deepEqual(readdirSync(work), [], 'nothing was written by an injected command');
  });

  test(`${sh}: every ASCII character alone, each value one word`, () => {
    const parameters = Object.fromEntries(ASCII.map((c, i) => [`c${i}`, c]));
    const template = `printf '[%s]' ${ASCII.map((_, i) => `\${{ parameters.c${i} }}`).join(' ')}`;
    assert.equal(
      runSh(sh, renderTemplate(template, { parameters }, 'sh')),
      ASCII.map((c) => `[${c}]`).join(''),
    );
  });

  test(`${sh}: a list keeps its word boundaries; numbers and booleans are plain words`, () => {
    const list = HOSTILE.filter((v) => v.length < 1000);
    assert.equal(
      runSh(sh, renderTemplate("printf '[%s]' ${{ parameters.v }}", params(list), 'sh')),
      list.map((v) => `[${v}]`).join(''),
    );
    const typed = { parameters: { n: -2.5, i: 42, b: false, ports: [80, 443] } };
    const template =
      "printf '[%s]' ${{ parameters.n }} ${{ parameters.i }} ${{ parameters.b }} ${{ parameters.ports }}";
    assert.equal(runSh(sh, renderTemplate(template, typed, 'sh')), '[-2.5][42][false][80][443]');
  });

  test(`${sh}: values stay literal inside $( ), next to text, and after a here-document`, () => {
    for (const v of HOSTILE.filter((x) => x.length < 1000)) {
      const inSub = renderTemplate(`printf '%s' "$(printf '%s' \${{ parameters.v }})"`, params(v), 'sh');
      assert.equal(runSh(sh, inSub), v.replace(/\n+$/, ''), `$( ) ${short(v)}`);
      const joined = renderTemplate("printf '%s' --name=${{ parameters.v }}", params(v), 'sh');
      assert.equal(runSh(sh, joined), `--name=${v}`, `joined ${short(v)}`);
      const heredoc = renderTemplate(
        "read -r x <<'EOF'\n$x '\nEOF\nprintf '%s' ${{ parameters.v }}",
        params(v),
        'sh',
      );
      assert.equal(runSh(sh, heredoc), v, `after a here-document ${short(v)}`);
    }
  });

  test(`${sh}: captured step output is passed on exactly, less one final line break`, () => {
    for (const v of HOSTILE.filter((x) => x.length < 1000)) {
      const context: RenderContext = {
        parameters: {},
        steps: { build: { stdout: `${v}\n`, stderr: v, exitCode: 1, status: 'failed' } },
      };
      const template =
        "printf '[%s]' ${{ steps.build.stdout }} ${{ steps.build.stderr }} ${{ steps.build.exitCode }}";
      const stderr = v.replace(/\r?\n$/, '');
      assert.equal(runSh(sh, renderTemplate(template, context, 'sh')), `[${v}][${stderr}][1]`, short(v));
    }
  });
}

test('sh: the refused placements would have injected', () => {
  // What a naive substitution would make of `printf '%s' "${{ parameters.v }}"`: the command runs.
  const naive = `printf '%s' "'$(echo INJECTED)'"`;
  assert.equal(runSh('/bin/sh', naive), "'INJECTED'");
  assert.throws(
    () => renderTemplate(`printf '%s' "\${{ parameters.v }}"`, params('$(echo INJECTED)'), 'sh'),
    OrcaError,
  );
  const comment = "echo ok # '\necho INJECTED #'";
  assert.equal(runSh('/bin/sh', comment), 'ok\nINJECTED\n');
  assert.throws(
    () => renderTemplate('echo ok # ${{ parameters.v }}', params('\necho INJECTED #'), 'sh'),
    OrcaError,
  );
});

const isSingleQuote = (c: string | undefined) => c !== undefined && "'\u2018\u2019\u201a\u201b".includes(c);

/**
 * Reads a PowerShell single-quoted literal starting at `text[start]` the way PowerShell's tokenizer
 * does (two quote characters in a row are one; any of ' ‘ ’ ‚ ‛ counts), returning its value and
 * the index after it.
 */
function readPsLiteral(text: string, start: number): { value: string; end: number } {
  assert.ok(isSingleQuote(text[start]), 'starts with a quote');
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (!isSingleQuote(c)) value += c;
    else if (isSingleQuote(text[i + 1])) value += text[++i - 1];
    else return { value, end: i + 1 };
  }
  assert.fail('the literal is not closed');
}

test('PowerShell: each hostile value renders as one literal that reads back as the value, up to the end', () => {
  for (const v of [...HOSTILE, ...ASCII]) {
    const prefix = 'Write-Output ';
    const text = renderTemplate(`${prefix}\${{ parameters.v }}`, params(v), 'powershell');
    const { value, end } = readPsLiteral(text, prefix.length);
    assert.equal(value, v, short(v));
    assert.equal(
      end,
      text.length,
      `the literal ends exactly at the end: nothing of ${short(v)} is left as code`,
    );
  }
});

test('PowerShell: a list is an array literal of such literals', () => {
  const list = HOSTILE.filter((v) => v.length < 1000);
  const text = renderTemplate('f ${{ parameters.v }}', params(list), 'powershell');
  assert.ok(text.startsWith('f @(') && text.endsWith(')'));
  const items: string[] = [];
  let i = 4;
  while (text[i] !== ')') {
    const { value, end } = readPsLiteral(text, i);
    items.push(value);
    i = text.startsWith(', ', end) ? end + 2 : end;
  }
  assert.equal(i, text.length - 1);
  assert.deepEqual(items, list);
});

const { ps, shim } = shimHarness();

test('PowerShell through the test shim: Write-Output prints each hostile value exactly', async () => {
  for (const v of HOSTILE) {
    const script = renderTemplate('Write-Output ${{ parameters.v }}', params(v), 'powershell');
    assert.deepEqual(await ps(script), { code: 0, stdout: `${v}\r\n`, stderr: '' }, short(v));
  }
  assert.equal(
    (await ps(renderTemplate('Write-Output ${{ parameters.v }}', params(true), 'powershell'))).stdout,
    'True\r\n',
  );
});

test('cmd: values with ", %, !, CR, LF are refused naming the parameter; the others stay one quoted argument', async () => {
  for (const v of HOSTILE) {
    let text: string;
    try {
      text = renderTemplate('echo ${{ parameters.v }}', params(v), 'cmd');
    } catch (error) {
      assert.ok(error instanceof OrcaError);
      assert.equal(error.details[0]?.path, 'parameters.v');
      assert.match(v, /["%!\r\n]/, `only cmd's special characters are refused, not ${short(v)}`);
      continue;
    }
    assert.doesNotMatch(v, /["%!\r\n]/, short(v));
    if (v.endsWith('\\')) continue; // doubled for the program's argument parser; echo shows them doubled
    // cmd's echo prints its argument text as written, quotes included: & and | did not split the line.
    assert.deepEqual(await shim(`cmd /c ${text}`), { code: 0, stdout: `"${v}"\r\n`, stderr: '' }, short(v));
  }
});
