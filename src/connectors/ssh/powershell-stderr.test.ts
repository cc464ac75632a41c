import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PowerShellStderr } from './powershell-stderr.ts';

function decode(chunks: readonly Buffer[]): Buffer {
  const d = new PowerShellStderr();
  return Buffer.concat([...chunks.map((c) => d.push(c)), d.end()]);
}

const OBJS =
  '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">' +
  '<S S="Error">Write-Error \'boom\' : boom_x000D__x000A_</S><S S="Error"> ü_x000D__x000A_</S></Objs>';

test('CLIXML error records become console text, even split byte by byte', () => {
  const raw = Buffer.from(`#< CLIXML\r\n${OBJS}`, 'utf8');
  const expected = "Write-Error 'boom' : boom\r\n ü\r\n";
  assert.equal(decode([raw]).toString('utf8'), expected);
  const bytes = [...raw].map((b) => Buffer.from([b]));
  assert.equal(decode(bytes).toString('utf8'), expected);
});

test('other stderr passes byte for byte, also bytes that are not UTF-8', () => {
  const cp1252 = Buffer.from([0x45, 0x72, 0x72, 0x65, 0x75, 0x72, 0xe9, 0x0d, 0x0a]);
  assert.deepEqual(decode([cp1252]), cp1252);
  assert.deepEqual(decode([Buffer.from('#< C'), Buffer.from('LI')]), Buffer.from('#< CLI'));
  assert.deepEqual(
    decode([Buffer.from('#< CLX'), Buffer.from([0xff])]),
    Buffer.from([...Buffer.from('#< CLX'), 0xff]),
  );
  assert.deepEqual(decode([]), Buffer.alloc(0));
});
