import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ClixmlStderrDecoder, decodeClixml } from './clixml.ts';

const FIXTURES = new URL('../../../../shared/winrm-fixtures/pypsrp/clixml/', import.meta.url);
const withError = readFileSync(new URL('test_sanitise_clixml_with_error.xml', FIXTURES), 'utf8');
const noErrors = readFileSync(new URL('test_sanitise_clixml_with_no_errors.xml', FIXTURES), 'utf8');

const EXPECTED_ERROR = [
  "fake : The term 'fake' is not recognized as the name of a cmdlet, function, script file, or operable program. Check ",
  'the spelling of the name, or if a path was included, verify that the path is correct and try again.',
  'At line:1 char:1',
  '+ fake cmdlet',
  '+ ~~~~',
  '    + CategoryInfo          : ObjectNotFound: (fake:String) [], CommandNotFoundException',
  '    + FullyQualifiedErrorId : CommandNotFoundException',
  ' ',
  '',
].join('\r\n');

function chunked(text: string, at: number[]): string {
  const d = new ClixmlStderrDecoder();
  let out = '';
  let from = 0;
  for (const i of [...at, text.length]) {
    out += d.push(text.slice(from, i));
    from = i;
  }
  return out + d.end();
}

test('error records become the text PowerShell would print; progress records are dropped', () => {
  assert.equal(decodeClixml(withError), EXPECTED_ERROR);
  assert.equal(decodeClixml(noErrors), '');
});

test('every split point of a CLIXML stream decodes to the same text', () => {
  const stream = `${withError}\r\n${noErrors}${withError}`;
  const whole = decodeClixml(stream);
  assert.equal(whole, EXPECTED_ERROR + EXPECTED_ERROR);
  for (let i = 0; i <= stream.length; i += 7) assert.equal(chunked(stream, [i]), whole, `split at ${i}`);
  // Character by character, too.
  assert.equal(
    chunked(
      stream,
      [...stream].map((_, i) => i),
    ),
    whole,
  );
});

test('a document is decoded as soon as it is complete, before the stream ends', () => {
  const d = new ClixmlStderrDecoder();
  assert.equal(d.push(withError.slice(0, 100)), '');
  assert.equal(d.push(withError.slice(100)), EXPECTED_ERROR);
  assert.equal(d.end(), '');
});

test('stderr that is not CLIXML passes through unchanged, chunk by chunk', () => {
  const d = new ClixmlStderrDecoder();
  assert.equal(d.push('#'), '');
  assert.equal(d.push(' not clixml\r\n'), '# not clixml\r\n');
  assert.equal(d.push('<Objs> is just text here'), '<Objs> is just text here');
  assert.equal(d.end(), '');
  assert.equal(decodeClixml('err \r\n'), 'err \r\n');
  const short = new ClixmlStderrDecoder();
  assert.equal(short.push('#<'), '');
  assert.equal(short.end(), '#<');
});

test('_xHHHH_ escapes decode, including an escaped underscore and a surrogate pair', () => {
  const doc =
    '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">' +
    '<S S="Error">tab_x0009_end _x005F_x000D_ literal, rocket _xD83D__xDE80_, &lt;tag&gt;_x000A_</S>' +
    '<S S="warning">careful_x000D__x000A_</S><S S="verbose">details_x000A_</S></Objs>';
  assert.equal(
    decodeClixml(doc),
    'tab\tend _x000D_ literal, rocket 🚀, <tag>\nWARNING: careful\r\nVERBOSE: details\n',
  );
});

test('text around documents is kept, and a broken or unfinished document is passed on raw', () => {
  const doc =
    '#< CLIXML\r\n<Objs xmlns="http://schemas.microsoft.com/powershell/2004/04"><S S="Error">e_x000A_</S></Objs>';
  assert.equal(decodeClixml(`${doc}\r\nplain line\r\n${doc}`), 'e\nplain line\r\ne\n');
  const broken = '#< CLIXML\r\n<Objs><S S="Error">x</Q></Objs>';
  assert.equal(decodeClixml(broken), '<Objs><S S="Error">x</Q></Objs>');
  const unfinished = '#< CLIXML\r\n<Objs><S S="Error">cut off';
  assert.equal(decodeClixml(unfinished), '<Objs><S S="Error">cut off');
});
