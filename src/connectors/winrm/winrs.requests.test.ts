import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  commandRequest,
  createShellRequest,
  deleteShellRequest,
  receiveRequest,
  SHELL_RESOURCE_URI,
  sendRequest,
  signalRequest,
} from './winrs.ts';
import { built, describeRequest, type Tree, transcript } from './winrs-transcripts.ts';
import { parseXml } from './xml.ts';

// Builders, compared with what real clients sent to Windows (same actions, URIs, selectors, options, body).

test('Create matches the real requests: streams, code page, environment, idle timeout and directory', () => {
  const unicode = describeRequest(transcript('test_winrs_unicode')[0]!.request);
  const mine = built(createShellRequest());
  assert.equal(mine.action, unicode.action);
  assert.equal(mine.resourceUri, SHELL_RESOURCE_URI);
  assert.equal(mine.resourceUri, unicode.resourceUri);
  assert.deepEqual(mine.body, unicode.body);
  assert.deepEqual(mine.options, { ...unicode.options, WINRS_NOPROFILE: 'true' });
  assert.deepEqual(mine.selectors, {});

  const noProfile = describeRequest(transcript('test_winrs_noprofile')[0]!.request);
  assert.equal(noProfile.options.WINRS_NOPROFILE, 'true (must comply)');

  const env = describeRequest(transcript('test_winrs_environment')[0]!.request);
  const vars: Record<string, string> = {};
  for (const v of env.body[0]!.children.find((c) => c.name === 'Environment')!.children)
    vars[v.attrs.Name!] = v.text;
  // A Record puts integer-like names ('1234') first; the order of variables does not matter.
  const byName = (body: Tree[]) =>
    body[0]!.children.map((c) =>
      c.name === 'Environment'
        ? { ...c, children: [...c.children].sort((a, b) => a.attrs.Name!.localeCompare(b.attrs.Name!)) }
        : c,
    );
  assert.deepEqual(byName(built(createShellRequest({ environment: vars })).body), byName(env.body));
  assert.equal(Object.keys(vars).length, 3);

  const extra = describeRequest(transcript('test_winrs_extra_opts')[0]!.request);
  const shell = extra.body[0]!;
  const supported = [
    { ...shell, children: shell.children.filter((c) => c.name !== 'Lifetime' && c.name !== 'Name') },
  ];
  assert.deepEqual(
    built(createShellRequest({ idleTimeoutSeconds: 60, workingDirectory: 'C:\\Windows' })).body,
    supported,
  );
  assert.deepEqual(built(createShellRequest({ codepage: 437, noProfile: false })).options, {
    WINRS_CODEPAGE: '437',
    WINRS_NOPROFILE: 'false',
  });
});

test('Command matches the real requests, with the program and each argument in order', () => {
  const real = describeRequest(transcript('test_winrs_standard')[1]!.request);
  const mine = built(
    commandRequest({
      shellId: '4283CBDC-3706-415B-88BD-B385F3E51A53',
      command: 'cmd.exe',
      arguments: ['/c', 'echo', 'hi'],
    }),
  );
  assert.equal(mine.action, real.action);
  assert.deepEqual(mine.selectors, real.selectors);
  assert.deepEqual(mine.body, real.body);
  assert.deepEqual(mine.options, { ...real.options, WINRS_CONSOLEMODE_STDIN: 'true' });

  const rc = describeRequest(transcript('test_winrs_stderr_rc')[1]!.request);
  const escaped = built(
    commandRequest({
      shellId: rc.selectors.ShellId!,
      command: 'cmd.exe',
      arguments: ['/c echo out && echo err>&2 && exit 1'],
    }),
  );
  assert.deepEqual(escaped.body, rc.body);

  const skip = describeRequest(transcript('test_winrs_no_cmd_shell')[1]!.request);
  const direct = built(
    commandRequest({
      shellId: skip.selectors.ShellId!,
      command: 'powershell.exe',
      arguments: ['Write-Host', 'hi'],
      skipCmdShell: true,
      consoleModeStdin: false,
    }),
  );
  assert.deepEqual(direct.body, skip.body);
  assert.deepEqual(direct.options, { ...skip.options, WINRS_CONSOLEMODE_STDIN: 'false' });
});

test('Receive, Send, Signal and Delete match the real requests', () => {
  const shellId = '0D6FCA9D-2D40-44C3-B691-E665BE7AA687';
  const commandId = 'B0973E54-434E-4D99-B4BE-ADE584CE3BFB';
  const [, , send1, send2, receive, signal, del] = transcript('test_winrs_send').map((m) =>
    describeRequest(m.request),
  );
  assert.deepEqual(built(receiveRequest({ shellId, commandId })), receive);
  assert.deepEqual(
    built(sendRequest({ shellId, commandId, data: Buffer.from('Write-Host "output 1";') })),
    send1,
  );
  assert.deepEqual(
    built(sendRequest({ shellId, commandId, data: Buffer.from('Write-Host "output 2";'), end: true })),
    send2,
  );
  assert.deepEqual(built(signalRequest({ shellId, commandId, signal: 'ctrl_c' })), signal);
  assert.deepEqual(built(deleteShellRequest({ shellId })), del);
  assert.deepEqual(
    built(signalRequest({ shellId, commandId, signal: 'terminate' })).body[0]?.children[0]?.text,
    ['http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/terminate'][0],
  );
});

test('the Send body carries exactly the given bytes, base64-encoded, also from a subarray', () => {
  const bytes = Buffer.from('xx\u00e9\r\nyy');
  const req = sendRequest({ shellId: 's', commandId: 'c', data: bytes.subarray(2, 6), end: true });
  const stream = parseXml(`<r xmlns:rsp="urn:x">${req.body}</r>`).children[0]!.children[0]!;
  assert.deepEqual(Buffer.from(stream.text, 'base64'), bytes.subarray(2, 6));
  assert.equal(stream.attrs.End, 'true');
});
