import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectorError } from '../connector.ts';
import { quote as quotePowerShell } from '../windows/powershell.ts';
import { concludeCopy, copyScript, dataLine, endLines, errorMessage } from './copy.ts';

const copy = { host: 'win-1', remotePath: 'C:\\x.bin', sha256: 'ab'.repeat(32), bytes: 3 };

test('single quotes of every kind are doubled inside a single-quoted literal', () => {
  assert.equal(quotePowerShell("it's ‘a’ ‚b‛ $x"), "'it''s ‘‘a’’ ‚‚b‛‛ $x'");
  assert.match(copyScript("C:\\it's.bin", '.orca-1.tmp'), /^\$path = 'C:\\it''s\.bin'$/m);
});

test('stdin framing: one base64 line per chunk, then an empty line and the hash', () => {
  assert.equal(dataLine(Buffer.from('hi')).toString(), 'aGk=\n');
  assert.equal(endLines(copy.sha256).toString(), `\n${copy.sha256}\n`);
});

test('a matching hash is the result; a different one fails as protocol naming both', () => {
  assert.deepEqual(concludeCopy({ exitCode: 0, stdout: `${'AB'.repeat(32)}\r\n`, stderr: '' }, copy), {
    bytes: 3,
    sha256: copy.sha256,
  });
  const other = 'cd'.repeat(32);
  assert.throws(
    () => concludeCopy({ exitCode: 2, stdout: `${other.toUpperCase()}\r\n`, stderr: '' }, copy),
    (e: unknown) =>
      e instanceof ConnectorError &&
      e.kind === 'protocol' &&
      e.message.includes(`sha256 on the host ${other}, sent ${copy.sha256}`) &&
      e.message.endsWith('the target was left as it was'),
  );
});

test('a failed script reports the first lines of its error record as nonzero-exit', () => {
  const record =
    'Exception calling "Open" with "3" argument(s): "Access to the path \'C:\\x.bin.orca-1.tmp\' is denied."\r\n' +
    'At line:5 char:1\r\n+ $file = [IO.File]::Open($temp)\r\n+ ~~~~\r\n    + CategoryInfo          : NotSpecified\r\n';
  assert.equal(
    errorMessage(record),
    'Exception calling "Open" with "3" argument(s): "Access to the path \'C:\\x.bin.orca-1.tmp\' is denied."',
  );
  assert.throws(
    () => concludeCopy({ exitCode: 1, stdout: '', stderr: record }, copy),
    (e: unknown) =>
      e instanceof ConnectorError &&
      e.kind === 'nonzero-exit' &&
      e.details.exitCode === '1' &&
      /^win-1: copying to C:\\x\.bin failed: Exception calling "Open"/.test(e.message),
  );
  assert.throws(
    () => concludeCopy({ exitCode: 5, stdout: '', stderr: '' }, copy),
    /failed: PowerShell exited with code 5$/,
  );
});
