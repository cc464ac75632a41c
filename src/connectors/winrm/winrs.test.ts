import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { buildEnvelope, parseEnvelope, type WsmanRequest } from './soap.ts';
import {
  commandRequest,
  createShellRequest,
  deleteShellRequest,
  parseCommandId,
  parseReceive,
  parseShellId,
  type ReceiveResult,
  receiveRequest,
  SHELL_RESOURCE_URI,
  sendRequest,
  signalRequest,
  WINRS_ACTION,
} from './winrs.ts';
import { childElement, parseXml, type XmlElement } from './xml.ts';

const FIXTURES = new URL('../../../../shared/winrm-fixtures/pypsrp/winrs/', import.meta.url);
const RESPONSE = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ReceiveResponse';

interface Exchange {
  readonly request: string;
  readonly response: string;
}

function transcript(name: string): Exchange[] {
  const doc = parseYaml(readFileSync(new URL(`${name}.yml`, FIXTURES), 'utf8')) as { messages: Exchange[] };
  return doc.messages;
}

/** The response to the request whose action ends with `action`, n-th occurrence. */
function responseTo(messages: Exchange[], action: string, nth = 0): string {
  const found = messages.filter((m) => requestAction(m.request).endsWith(`/${action}`));
  const m = found[nth];
  assert.ok(m, `no ${action} #${nth}`);
  return m.response;
}

function requestAction(xml: string): string {
  return describeRequest(xml).action;
}

interface Tree {
  name: string;
  ns: string;
  attrs: Record<string, string>;
  text: string;
  children: Tree[];
}

function tree(el: XmlElement): Tree {
  const attrs: Record<string, string> = { ...el.attrs };
  // Booleans are case-insensitive in WS-Man ("True", "true", "TRUE"); absent End means false.
  if (el.name === 'Stream') attrs.End = (attrs.End ?? 'false').toLowerCase();
  return { name: el.name, ns: el.ns, attrs, text: el.text.trim(), children: el.children.map(tree) };
}

/** The parts of a request that matter to the server, independent of prefixes and header order. */
function describeRequest(xml: string) {
  const root = parseXml(xml);
  const header = childElement(root, 'Header')!;
  const body = childElement(root, 'Body')!;
  const text = (name: string) => childElement(header, name)?.text.trim() ?? '';
  const selectors: Record<string, string> = {};
  for (const s of childElement(header, 'SelectorSet')?.children ?? []) selectors[s.attrs.Name!] = s.text;
  const options: Record<string, string> = {};
  for (const o of childElement(header, 'OptionSet')?.children ?? []) {
    options[o.attrs.Name!] =
      `${o.text.toLowerCase()}${o.attrs.MustComply === 'true' ? ' (must comply)' : ''}`;
  }
  return {
    action: text('Action'),
    resourceUri: text('ResourceURI'),
    selectors,
    options,
    body: body.children.map(tree),
  };
}

function built(parts: WsmanRequest) {
  return describeRequest(buildEnvelope({ ...parts, to: 'http://192.168.56.11:5985/wsman' }).xml);
}

function text(result: ReceiveResult, stream: 'stdout' | 'stderr'): string {
  return Buffer.concat(result.chunks.filter((c) => c.stream === stream).map((c) => c.data)).toString('utf8');
}

const standard = transcript('test_winrs_standard');

test('a Create response yields the shell id, from rsp:ShellId or the ResourceCreated selector', () => {
  const env = parseEnvelope(responseTo(standard, 'Create'));
  assert.equal(parseShellId(env), '4283CBDC-3706-415B-88BD-B385F3E51A53');
  assert.equal(parseShellId(env.body), '4283CBDC-3706-415B-88BD-B385F3E51A53');
  const onlySelector = parseXml(
    '<s:Body xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer" ' +
      'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd"><x:ResourceCreated><w:ReferenceParameters>' +
      '<w:SelectorSet><w:Selector Name="Other">x</w:Selector><w:Selector Name="ShellId">ABC</w:Selector>' +
      '</w:SelectorSet></w:ReferenceParameters></x:ResourceCreated></s:Body>',
  );
  assert.equal(parseShellId(onlySelector), 'ABC');
});

test('the standard session: command id, then "hi" on stdout with exit code 0', () => {
  assert.equal(
    parseCommandId(parseEnvelope(responseTo(standard, 'Command'))),
    'CF84C20A-0A35-43FA-AF78-0B4711DA5F30',
  );
  const result = parseReceive(
    parseEnvelope(responseTo(standard, 'Receive')),
    'CF84C20A-0A35-43FA-AF78-0B4711DA5F30',
  );
  assert.deepEqual(result, {
    chunks: [{ stream: 'stdout', data: Buffer.from('hi\r\n') }],
    done: true,
    exitCode: 0,
  });
  // Signal and Delete answer with an empty body or an empty SignalResponse; both parse.
  assert.equal(parseEnvelope(responseTo(standard, 'Signal')).body.children[0]?.name, 'SignalResponse');
  assert.equal(parseEnvelope(responseTo(standard, 'Delete')).body.children.length, 0);
});

test('stdout and stderr are told apart, and a failing command reports its exit code', () => {
  const result = parseReceive(parseEnvelope(responseTo(transcript('test_winrs_stderr_rc'), 'Receive')));
  assert.equal(text(result, 'stdout'), 'out \r\n');
  assert.equal(text(result, 'stderr'), 'err \r\n');
  assert.deepEqual(
    result.chunks.map((c) => c.stream),
    ['stdout', 'stderr'],
  );
  assert.equal(result.done, true);
  assert.equal(result.exitCode, 1);
});

test('UTF-8 output (code page 65001) arrives as raw bytes that decode to the Japanese text', () => {
  const result = parseReceive(parseEnvelope(responseTo(transcript('test_winrs_unicode'), 'Receive')));
  assert.equal(text(result, 'stdout'), 'こんにちは\n');
  assert.equal(result.chunks.length, 2);
});

test('several Stream elements per stream are kept in order; End="true" without text adds nothing', () => {
  const result = parseReceive(parseEnvelope(responseTo(transcript('test_winrs_send'), 'Receive')));
  assert.deepEqual(
    result.chunks.map((c) => c.data.toString()),
    ['output 1', '\n', 'output 2\n'],
  );
  assert.equal(result.exitCode, 0);
});

test('a Receive that times out is a WsmanFault with isOperationTimeout; Running then Done', () => {
  const messages = transcript('test_winrs_operation_timeout');
  const first = parseReceive(parseEnvelope(responseTo(messages, 'Receive', 0)));
  assert.equal(first.done, false);
  assert.equal(first.exitCode, null);
  assert.equal(text(first, 'stdout'), 'hi\n');
  for (const nth of [1, 2]) {
    assert.throws(
      () => parseEnvelope(responseTo(messages, 'Receive', nth)),
      (err: unknown) =>
        err instanceof Error &&
        'isOperationTimeout' in err &&
        err.isOperationTimeout === true &&
        'wsmanCode' in err &&
        err.wsmanCode === 2150858793,
    );
  }
  const last = parseReceive(parseEnvelope(responseTo(messages, 'Receive', 3)));
  assert.deepEqual([text(last, 'stdout'), last.done, last.exitCode], ['hi again\n', true, 0]);
});

test('the fault answers of real hosts become WsmanFaults with subcode, code and message', () => {
  const cases = [
    {
      name: 'test_winrs_bad_cmd_id',
      action: 'Receive',
      subcode: 'InvalidSelectors',
      wsmanCode: 2150858843,
      detail: /command identifier that does not exist/,
    },
    {
      name: 'test_winrs_no_cmd_shell',
      action: 'Command',
      subcode: 'InternalError',
      wsmanCode: 2147942402,
      detail: /^The system cannot find the file specified\.$/,
    },
    {
      name: 'test_winrs_fail_poll_process',
      action: 'Receive',
      subcode: 'InvalidParameter',
      wsmanCode: 87,
      detail: /^The parameter is incorrect\.$/,
    },
  ];
  for (const c of cases) {
    assert.throws(
      () => parseEnvelope(responseTo(transcript(c.name), c.action)),
      (err: unknown) => {
        assert.ok(err instanceof Error && err.name === 'WsmanFault', c.name);
        const f = err as Error & {
          subcode: string;
          wsmanCode: number;
          detail: string;
          isOperationTimeout: boolean;
        };
        assert.equal(f.subcode, c.subcode);
        assert.equal(f.wsmanCode, c.wsmanCode);
        assert.match(f.detail, c.detail);
        assert.equal(f.isOperationTimeout, false);
        return true;
      },
    );
  }
});

test('every response of every transcript parses, and the ids they carry are the ones later requests use', () => {
  const names = [
    'test_winrs_standard',
    'test_winrs_operation_timeout',
    'test_winrs_stderr_rc',
    'test_winrs_unicode',
    'test_winrs_send',
    'test_winrs_bad_cmd_id',
    'test_winrs_no_cmd_shell',
    'test_winrs_fail_poll_process',
    'test_winrs_environment',
    'test_winrs_noprofile',
    'test_winrs_extra_opts',
    'test_winrs_open_already_opened',
    'test_client_execute_cmd',
    'test_client_execute_cmd_environment',
  ];
  for (const name of names) {
    let shellId = '';
    let commandId = '';
    for (const { request, response } of transcript(name)) {
      const req = describeRequest(request);
      if (req.selectors.ShellId) assert.equal(req.selectors.ShellId, shellId, `${name}: shell id`);
      const messageId = parseEnvelope(request).messageId!;
      if (name === 'test_winrs_unicode' && req.action === WINRS_ACTION.delete) {
        // The recording's Delete answer relates to another request (spliced upstream): a real mismatch.
        assert.throws(() => parseEnvelope(response, messageId), { name: 'WsmanProtocolError' });
        continue;
      }
      let env: ReturnType<typeof parseEnvelope>;
      try {
        env = parseEnvelope(response, messageId);
      } catch (err) {
        assert.equal((err as Error).name, 'WsmanFault', `${name}: ${req.action}`);
        continue;
      }
      if (req.action === WINRS_ACTION.create) shellId = parseShellId(env);
      if (req.action === WINRS_ACTION.command) commandId = parseCommandId(env);
      if (env.action === RESPONSE) {
        const desired = req.body[0]?.children[0]?.attrs.CommandId;
        if (!name.includes('fail_poll')) assert.equal(desired, commandId, `${name}: command id`);
        parseReceive(env, commandId);
      }
    }
  }
});

test('environment: a Receive of `set` shows the variables the Create request asked for', () => {
  const messages = transcript('test_winrs_environment');
  const out = text(parseReceive(parseEnvelope(responseTo(messages, 'Receive'))), 'stdout');
  assert.match(out, /^1234=5678\r$/m);
  assert.match(out, /^env1=var1\r$/m);
  assert.ok(out.includes('_-(){}[]<>*+-/\\?"!@#$^&|;:i,.`~0=_-(){}[]<>*+-/\\?"!@#$^&|;:i,.`~0'));
});

test('output of another command in the same answer is not mixed in', () => {
  const body = parseXml(
    '<s:Body xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:r="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">' +
      '<r:ReceiveResponse><r:Stream Name="stdout" CommandId="a">YQ==</r:Stream><r:Stream Name="stdout" CommandId="b">Yg==</r:Stream>' +
      '<r:CommandState CommandId="B" State="http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Pending"/>' +
      '</r:ReceiveResponse></s:Body>',
  );
  const result = parseReceive(body, 'B');
  assert.deepEqual(result, {
    chunks: [{ stream: 'stdout', data: Buffer.from('b') }],
    done: false,
    exitCode: null,
  });
});

test('stream data that is not base64 is a protocol error, not silently garbled output', () => {
  const body = parseXml(
    '<s:Body xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">' +
      '<rsp:ReceiveResponse><rsp:Stream Name="stdout">not base64!</rsp:Stream></rsp:ReceiveResponse></s:Body>',
  );
  assert.throws(() => parseReceive(body), { name: 'WsmanProtocolError' });
  assert.throws(() => parseCommandId(body), { name: 'WsmanProtocolError' });
  assert.throws(() => parseShellId(body), { name: 'WsmanProtocolError' });
});

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
