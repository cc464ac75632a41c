import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PidMarkerParser } from './pid-marker.ts';

/** Feeds chunks and returns what would be delivered, plus the parser. */
function feed(chunks: string[], end = true) {
  const p = new PidMarkerParser('ORCA_PID_ab12');
  let out = '';
  for (const c of chunks) out += p.feed(Buffer.from(c)).toString();
  if (end) out += p.end().toString();
  return { out, pid: p.pid, settled: p.settled };
}

test('the marker line is removed and the PID read, output around it is kept byte for byte', () => {
  assert.deepEqual(feed(['ORCA_PID_ab12=4242\nhello\n']), { out: 'hello\n', pid: 4242, settled: true });
  assert.deepEqual(feed(['ORCA_PID_ab12=4242\n']), { out: '', pid: 4242, settled: true });
});

test('a marker split across chunks, even byte by byte, is still found', () => {
  const text = 'ORCA_PID_ab12=98765\nout';
  assert.deepEqual(feed([...text]), { out: 'out', pid: 98765, settled: true });
  assert.deepEqual(feed(['ORCA_PID_', 'ab12=1', '2\n', 'x']), { out: 'x', pid: 12, settled: true });
});

test('what a shell start-up file printed before the marker is passed through', () => {
  assert.deepEqual(feed(['Welcome!\nno newline', 'ORCA_PID_ab12=7\nreal']), {
    out: 'Welcome!\nno newlinereal',
    pid: 7,
    settled: true,
  });
});

test('output is held back until the marker is complete, then flows unchanged', () => {
  const p = new PidMarkerParser('ORCA_PID_ab12');
  assert.equal(p.feed(Buffer.from('ORCA_PID_ab12=3')).length, 0);
  assert.equal(p.pid, null);
  assert.equal(p.feed(Buffer.from('3\nfirst')).toString(), 'first');
  // A later line that looks like a marker is the command's own output.
  assert.equal(p.feed(Buffer.from('ORCA_PID_ab12=5\n')).toString(), 'ORCA_PID_ab12=5\n');
  assert.equal(p.pid, 33);
});

test('without a marker, output is released at the end or after 64 KiB, and no PID is known', () => {
  assert.deepEqual(feed(['no marker here']), { out: 'no marker here', pid: null, settled: true });
  const big = 'x'.repeat(70 * 1024);
  const r = feed([big, 'ORCA_PID_ab12=1\n'], false);
  assert.equal(r.out, `${big}ORCA_PID_ab12=1\n`);
  assert.equal(r.pid, null);
});

test('a malformed PID is not trusted', () => {
  assert.deepEqual(feed(['ORCA_PID_ab12=12; rm\nx']), { out: 'x', pid: null, settled: true });
});

test('a marker line ending in CR LF (PowerShell on Windows) is removed whole', () => {
  assert.deepEqual(feed(['ORCA_PID_ab12=4242\r\nhi\r\n']), { out: 'hi\r\n', pid: 4242, settled: true });
  assert.deepEqual(feed(['ORCA_PID_ab12=42\r', '\nhi']), { out: 'hi', pid: 42, settled: true });
  // The test shim has no $PID: the line is still removed, and no PID is known.
  assert.deepEqual(feed(['ORCA_PID_ab12=\r\nhi']), { out: 'hi', pid: null, settled: true });
  assert.deepEqual(feed(['ORCA_PID_ab12=1\r2\r\nx']), { out: 'x', pid: null, settled: true });
});
