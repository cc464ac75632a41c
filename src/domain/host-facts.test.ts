import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFacts, parseOsRelease, parsePosixFacts, parseWindowsFacts } from './host-facts.ts';

const DEBIAN = `Linux
6.1.0-18-amd64
x86_64
web-1
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
ID=debian
`;

test('Linux: uname, hostname and os-release become facts', () => {
  assert.deepEqual(parsePosixFacts(DEBIAN), {
    hostname: 'web-1',
    os: 'Debian GNU/Linux',
    osVersion: '12',
    kernel: '6.1.0-18-amd64',
    arch: 'x86_64',
  });
});

test('os-release: quoted, single-quoted, escaped and unquoted values; comments ignored', () => {
  assert.deepEqual(
    parseOsRelease(
      `# comment\nNAME='Alpine Linux'\nVERSION_ID=3.19.1\nPRETTY_NAME="say \\"hi\\""\n\nbad line\n`,
    ),
    { NAME: 'Alpine Linux', VERSION_ID: '3.19.1', PRETTY_NAME: 'say "hi"' },
  );
});

test('a POSIX host without os-release (BSD, macOS) reports its kernel name and release', () => {
  assert.deepEqual(parsePosixFacts('Darwin\n23.4.0\narm64\nmac-1\n'), {
    hostname: 'mac-1',
    os: 'Darwin',
    osVersion: '23.4.0',
    kernel: '23.4.0',
    arch: 'arm64',
  });
});

test('output that is not the facts command is no facts', () => {
  assert.equal(parsePosixFacts(''), null);
  assert.equal(parsePosixFacts('\n\n'), null);
  assert.equal(parseWindowsFacts('something else\r\n'), null);
});

test('Windows: key=value lines, CRLF, values with = in them', () => {
  const out =
    'hostname=WIN-01\r\nos=Microsoft Windows Server 2022 Datacenter\r\nversion=10.0.20348\r\nbuild=20348\r\narch=AMD64\r\n';
  assert.deepEqual(parseWindowsFacts(out), {
    hostname: 'WIN-01',
    os: 'Microsoft Windows Server 2022 Datacenter',
    osVersion: '10.0.20348',
    kernel: '20348',
    arch: 'AMD64',
  });
  assert.equal(parseWindowsFacts('os=a=b\n')?.os, 'a=b');
  assert.equal(parseFacts('windows', out)?.hostname, 'WIN-01');
  assert.equal(parseFacts('linux', DEBIAN)?.hostname, 'web-1');
});
