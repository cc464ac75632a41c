import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanReferences } from './definition-refs.ts';

test('parameter and step references are found with their offsets, spaces inside the braces optional', () => {
  const scan = scanReferences('deploy ${{parameters.version}} to ${{  steps.build-app.stdout  }}');
  assert.deepEqual(scan.problems, []);
  assert.deepEqual(scan.references, [
    { kind: 'parameter', name: 'version', raw: false, text: '${{parameters.version}}', start: 7 },
    {
      kind: 'step',
      step: 'build-app',
      output: 'stdout',
      raw: false,
      text: '${{  steps.build-app.stdout  }}',
      start: 34,
    },
  ]);
});

test('raw marks a reference inserted without quoting', () => {
  const [ref] = scanReferences('ls ${{ raw parameters.flags }}').references;
  assert.equal(ref?.raw, true);
  assert.equal(ref?.kind === 'parameter' && ref.name, 'flags');
});

test('$${{ is a literal ${{ and not a reference', () => {
  assert.deepEqual(scanReferences('echo $${{ not.an.expression }}'), { references: [], problems: [] });
});

test('every output field is known; anything else inside ${{ }} is a problem', () => {
  for (const output of ['stdout', 'stderr', 'exitCode', 'status']) {
    assert.equal(scanReferences(`\${{ steps.a.${output} }}`).references.length, 1, output);
  }
  assert.equal(scanReferences('${{ steps.a.exitcode }}').problems.length, 1);
  assert.equal(scanReferences('${{ env.HOME }}').problems.length, 1);
  assert.equal(scanReferences('${{ parameters.1x }}').problems.length, 1);
  assert.deepEqual(scanReferences('a ${{ parameters.x').problems, [
    'has "${{" at offset 2 without a closing "}}"',
  ]);
});
