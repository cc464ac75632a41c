// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${{ … }} is the job template syntax under test, not a mistaken JS template.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, OrcaError } from '../errors.ts';
import type { Shell } from './quote.ts';
import { type RenderContext, renderPlain, renderShell, renderTemplate } from './render.ts';

const context: RenderContext = {
  parameters: { v: "it's", n: 3, flag: true, list: ['a b', 'c'], empty: [] },
  steps: {
    build: { stdout: 'v1.2\n', stderr: 'warn\r\n', exitCode: 0, status: 'succeeded' },
    probe: { stdout: 'two\n\n', stderr: '', exitCode: null, status: 'failed' },
  },
};

const rejects = (fn: () => unknown, pattern: RegExp, path?: string) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OrcaError);
    assert.equal(e.code, ErrorCode.validation);
    assert.match(e.message, pattern);
    if (path !== undefined) assert.equal(e.details[0]?.path, path);
    return true;
  });

test('parameters are quoted for the shell, whitespace inside the braces allowed', () => {
  assert.equal(
    renderTemplate('echo ${{parameters.v}} ${{  parameters.n  }}', context, 'sh'),
    "echo 'it'\\''s' 3",
  );
  assert.equal(
    renderTemplate('Write-Output ${{ parameters.v }} ${{ parameters.flag }}', context, 'powershell'),
    "Write-Output 'it''s' $true",
  );
  assert.equal(renderTemplate('echo ${{\n parameters.list\n}}', context, 'cmd'), 'echo "a b" "c"');
  assert.equal(renderTemplate('f ${{ parameters.list }}', context, 'powershell'), "f @('a b', 'c')");
  assert.equal(renderTemplate('printf %s ${{ parameters.empty }}.', context, 'sh'), 'printf %s .');
});

test('step outputs are quoted the same way, stdout and stderr without their one final line break', () => {
  assert.equal(
    renderTemplate(
      'echo ${{ steps.build.stdout }} ${{ steps.build.stderr }} ${{ steps.build.exitCode }} ${{ steps.build.status }}',
      context,
      'sh',
    ),
    "echo 'v1.2' 'warn' 0 'succeeded'",
  );
  assert.equal(renderTemplate('echo ${{ steps.probe.stdout }}', context, 'sh'), "echo 'two\n'");
  assert.equal(renderTemplate('echo ${{ steps.probe.exitCode }}', context, 'powershell'), "echo ''");
});

test('raw inserts the value verbatim, and $${{ is a literal ${{', () => {
  assert.equal(renderTemplate('echo ${{ raw parameters.v }}', context, 'sh'), "echo it's");
  assert.equal(renderTemplate('f ${{ raw parameters.list }}', context, 'powershell'), 'f a b c');
  assert.equal(
    renderTemplate('echo $${{ parameters.v }} $${{ not a ref }} ${{ parameters.n }}', context, 'sh'),
    'echo ${{ parameters.v }} ${{ not a ref }} 3',
  );
  // A raw value can open a quote: a quoted value after it is then refused.
  const opens = { parameters: { q: '"', v: 'x' } };
  rejects(
    () => renderTemplate('echo ${{ raw parameters.q }}${{ parameters.v }}', opens, 'sh'),
    /inside double quotes/,
  );
});

test('unknown references and malformed expressions throw, naming them', () => {
  rejects(
    () => renderTemplate('echo ${{ parameters.nope }}', context, 'sh'),
    /parameters\.nope is not a parameter/,
    'parameters.nope',
  );
  rejects(
    () => renderTemplate('echo ${{ steps.later.stdout }}', context, 'sh'),
    /step later has not run/,
    'steps.later.stdout',
  );
  rejects(
    () => renderTemplate('echo ${{ steps.build.output }}', context, 'sh'),
    /is not a reference/,
    'template',
  );
  rejects(() => renderTemplate('echo ${{ params.v }}', context, 'sh'), /is not a reference/);
  rejects(() => renderTemplate('echo ${{ parameters.v', context, 'sh'), /is not closed with }}/);
  rejects(() => renderTemplate('echo ${{ rawparameters.v }}', context, 'sh'), /is not a reference/);
  rejects(() => renderPlain('${{ parameters.toString }}', context), /not a parameter/);
  rejects(() => renderPlain('${{ steps.constructor.status }}', context), /has not run/);
});

test('renderPlain substitutes values unquoted, for fields that are data', () => {
  assert.equal(
    renderPlain('/srv/${{ parameters.v }}/${{ parameters.n }}-${{ parameters.flag }}', context),
    "/srv/it's/3-true",
  );
  assert.equal(
    renderPlain('${{ parameters.list }}|${{ steps.build.stdout }}|${{ raw parameters.n }}', context),
    'a b c|v1.2|3',
  );
  assert.equal(renderPlain('$${{ x }}', context), '${{ x }}');
});

/** Each template puts `${{ parameters.v }}` where orca's quotes would not hold. */
const refused: Record<Shell, [template: string, reason: RegExp][]> = {
  sh: [
    ['echo "${{ parameters.v }}"', /inside double quotes/],
    ["echo 'x ${{ parameters.v }}'", /inside single quotes/],
    ["echo $'${{ parameters.v }}'", /inside \$'…' quotes/],
    ['echo `echo ${{ parameters.v }}`', /inside backticks/],
    ['echo \\${{ parameters.v }}', /after an escaping backslash/],
    ['echo ok # ${{ parameters.v }}', /inside a comment/],
    ['cat <<EOF\n${{ parameters.v }}\nEOF', /inside a here-document/],
    ["cat <<'EOF'\nx ${{ parameters.v }}\nEOF", /inside a here-document/],
    ['cat <<-EOF\n\t${{ parameters.v }}\n\tEOF', /inside a here-document/],
    ['cat <<${{ parameters.v }}\nx\n', /here-document delimiter/],
    ['echo "$(echo "${{ parameters.v }}")"', /inside double quotes/],
  ],
  powershell: [
    ['Write-Output "${{ parameters.v }}"', /inside double quotes/],
    ['Write-Output “${{ parameters.v }}”', /inside double quotes/],
    ["Write-Output 'x${{ parameters.v }}'", /inside single quotes/],
    ['Write-Output ‘x${{ parameters.v }}’', /inside single quotes/],
    ["Write-Output 'it''s ${{ parameters.v }}'", /inside single quotes/],
    ['Write-Output `${{ parameters.v }}', /after an escaping backtick/],
    ['Write-Output 1 # ${{ parameters.v }}', /inside a comment/],
    ['<# ${{ parameters.v }} #>', /inside a comment/],
    ["@'\n${{ parameters.v }}\n'@", /inside a here-string/],
    ['@"\n${{ parameters.v }}\n"@', /inside a here-string/],
    ['Write-Output @${{ parameters.v }}', /right after a @/],
  ],
  cmd: [
    ['echo "x ${{ parameters.v }}"', /inside double quotes/],
    ['echo ^${{ parameters.v }}', /after an escaping \^/],
    ['echo %X ${{ parameters.v }}%', /between % signs/],
    ['echo !${{ parameters.v }}', /right after a !/],
  ],
};

/** And these are fine: the value is a word (or part of one) where the shell reads words. */
const allowed: Record<Shell, string[]> = {
  sh: [
    '--name=${{ parameters.v }}',
    'echo "a" ${{ parameters.v }} \'b\'',
    'echo "$(printf %s ${{ parameters.v }})"',
    'echo $(( 1 + ${{ parameters.v }} ))',
    'echo a#b ${{ parameters.v }}',
    'echo ${#HOME} ${{ parameters.v }}',
    'cat <<EOF\n"\nEOF\necho ${{ parameters.v }}',
    "cat <<'E F' && echo ${{ parameters.v }}\nx\nE F\necho ${{ parameters.v }}",
    'echo # c\necho ${{ parameters.v }}',
    'echo \\\\${{ parameters.v }}',
  ],
  powershell: [
    "Write-Output 'a' ${{ parameters.v }}",
    'Write-Output "x $(${{ parameters.v }})"',
    '<# c #> Write-Output ${{ parameters.v }}',
    "@'\nx\n'@\nWrite-Output ${{ parameters.v }}",
    'Write-Output ``${{ parameters.v }}',
    '# c\nWrite-Output ${{ parameters.v }}',
  ],
  cmd: [
    'echo "a" ${{ parameters.v }}',
    'echo %X% ${{ parameters.v }}',
    'echo ^^${{ parameters.v }}',
    'echo "x"\necho ${{ parameters.v }}',
  ],
};

for (const shell of ['sh', 'powershell', 'cmd'] as const) {
  test(`${shell}: a value inside quotes, comments, here-documents or after an escape is refused`, () => {
    for (const [template, reason] of refused[shell]) {
      rejects(() => renderTemplate(template, { parameters: { v: 'x' } }, shell), reason, 'parameters.v');
    }
  });

  test(`${shell}: a value standing as a word is accepted`, () => {
    for (const template of allowed[shell]) {
      assert.doesNotThrow(() => renderTemplate(template, { parameters: { v: 'x' } }, shell), template);
    }
  });
}

test('every misplaced value is reported, and the message says how to fix it', () => {
  assert.throws(
    () =>
      renderTemplate(
        'echo "${{ parameters.a }}" \'${{ parameters.b }}\'',
        { parameters: { a: 'x', b: 'y' } },
        'sh',
      ),
    (e: unknown) =>
      e instanceof OrcaError &&
      e.details.map((d) => d.path).join() === 'parameters.a,parameters.b' &&
      e.message.startsWith(
        '${{ parameters.a }} is inside double quotes, where its quoting would not hold: write it as a word of its own (orca quotes the value for sh)',
      ),
  );
});

test('a raw value or an empty list may stand anywhere', () => {
  assert.equal(
    renderTemplate('echo "${{ raw parameters.v }}"', { parameters: { v: 'x' } }, 'sh'),
    'echo "x"',
  );
  assert.equal(renderTemplate('echo "${{ parameters.l }}"', { parameters: { l: [] } }, 'sh'), 'echo ""');
});

test('renderShell: a value holding a secret becomes a quoted variable, its value returned apart', () => {
  const ctx: RenderContext = { parameters: { pw: "p'w $(x)", user: 'bob' }, secrets: ["p'w $(x)"] };
  const expect = (shell: Shell, text: string) =>
    assert.deepEqual(renderShell('run ${{ parameters.user }} ${{ parameters.pw }}', ctx, shell), {
      text,
      secretEnv: { ORCA_SECRET_parameters_pw: "p'w $(x)" },
    });
  expect('sh', `run 'bob' "$ORCA_SECRET_parameters_pw"`);
  expect('powershell', `run 'bob' "$env:ORCA_SECRET_parameters_pw"`);
  // cmd keeps its refusals: a value it would act on inside quotes is still refused.
  rejects(
    () =>
      renderShell(
        'echo ${{ parameters.pw }}',
        { ...ctx, parameters: { pw: '100%' }, secrets: ['100%'] },
        'cmd',
      ),
    /cmd/,
  );
  assert.equal(
    renderShell('echo ${{ parameters.pw }}', { ...ctx, parameters: { pw: 'a&b' }, secrets: ['a&b'] }, 'cmd')
      .text,
    'echo "%ORCA_SECRET_parameters_pw%"',
  );
  // Placement rules hold for the reference as for a quoted value.
  rejects(() => renderShell('echo "${{ parameters.pw }}"', ctx, 'sh'), /inside double quotes/);
  rejects(() => renderShell('echo ${{ raw parameters.pw }}', ctx, 'sh'), /never inserted raw/);
  assert.throws(() => renderTemplate('echo ${{ parameters.pw }}', ctx, 'sh'), /renderShell/);
});
