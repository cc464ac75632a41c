import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { decodeSecretLine, encodeSecretLine, SECRET_LINE_DECODER, secretVariable } from './secret-env.ts';

const VALUES = {
  A: `it's "q" $(id) \`id\` \\ back\\n %s %% \n new\nline\n\n`,
  B: 'ünï ✓ 😀',
  C: '',
  D: '-n',
  E: '\\0101 \\t *?[a] ~ # ; & | < >',
};

test('the encoded line holds only letters, digits, backslashes, = and spaces, and decodes back', () => {
  const line = encodeSecretLine(VALUES);
  assert.match(line, /^[A-Za-z0-9_=\\ ]+$/);
  assert.deepEqual(decodeSecretLine(line), VALUES);
  assert.throws(() => encodeSecretLine({ 'A-B': 'x' }), /not a variable name/);
  assert.throws(() => encodeSecretLine({ A: 'a\0b' }), /NUL/);
  assert.equal(secretVariable('steps.build-1.stdout'), 'ORCA_SECRET_steps_build_1_stdout');
});

for (const shell of ['/bin/dash', '/bin/bash', '/bin/busybox']) {
  test(`${shell} reads the line from stdin and exports every value exactly`, {
    skip: !existsSync(shell),
  }, () => {
    const args = shell.endsWith('busybox') ? ['sh', '-c'] : ['-c'];
    const print = Object.keys(VALUES)
      .map((n) => `printf '%s|' "$${n}"; sh -c 'printf "%s|" "$${n}"'`)
      .join('; ');
    const r = spawnSync(shell, [...args, `${SECRET_LINE_DECODER}; ${print}`], {
      input: `${encodeSecretLine(VALUES)}\nrest`,
    });
    assert.equal(r.stderr.toString(), '');
    const expected = Object.values(VALUES)
      .map((v) => `${v}|${v}|`)
      .join('');
    assert.equal(r.stdout.toString('utf8'), expected, 'in the shell and in a child (exported)');
  });
}
