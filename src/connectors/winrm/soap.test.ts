import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import {
  assertRelatesTo,
  buildEnvelope,
  NS,
  newMessageId,
  parseEnvelope,
  WsmanFault,
  WsmanProtocolError,
} from './soap.ts';
import { childElement, parseXml, type XmlElement } from './xml.ts';

const FIXTURES = new URL('../../../../shared/winrm-fixtures/pypsrp/', import.meta.url);

function transcript(path: string): Array<{ request: string; response: string }> {
  return (parseYaml(readFileSync(new URL(`${path}.yml`, FIXTURES), 'utf8')) as { messages: [] }).messages;
}

const standard = transcript('winrs/test_winrs_standard');

function header(xml: string): XmlElement {
  return childElement(parseXml(xml), 'Header', NS.s)!;
}

function headerEl(h: XmlElement, name: string): XmlElement {
  const el = h.children.find((c) => c.name === name);
  assert.ok(el, `header ${name}`);
  return el;
}

const request = {
  to: 'http://win-1:5985/wsman',
  action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  resourceUri: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd',
  selectors: { ShellId: 'ABC' },
  body: '',
};

test('a request envelope has the headers Windows expects, in the namespaces it expects', () => {
  const { xml, messageId } = buildEnvelope({
    ...request,
    messageId: 'uuid:11111111-2222-3333-4444-555555555555',
    options: [
      { name: 'WINRS_NOPROFILE', value: 'TRUE', mustComply: true },
      { name: 'WINRS_CODEPAGE', value: '65001' },
    ],
  });
  assert.equal(messageId, 'uuid:11111111-2222-3333-4444-555555555555');
  const h = header(xml);
  const mine = (name: string) => headerEl(h, name);
  assert.equal(mine('To').text, 'http://win-1:5985/wsman');
  assert.equal(mine('To').ns, NS.a);
  const address = childElement(mine('ReplyTo'), 'Address', NS.a)!;
  assert.equal(address.text, 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous');
  assert.equal(address.attrs.mustUnderstand, 'true');
  assert.deepEqual([mine('Action').text, mine('Action').attrs.mustUnderstand], [request.action, 'true']);
  assert.equal(mine('MessageID').text, messageId);
  assert.deepEqual(
    [mine('MaxEnvelopeSize').text, mine('MaxEnvelopeSize').attrs.mustUnderstand],
    ['153600', 'true'],
  );
  assert.equal(mine('OperationTimeout').text, 'PT20S');
  assert.deepEqual({ ...mine('Locale').attrs }, { lang: 'en-US', mustUnderstand: 'false' });
  assert.deepEqual([mine('DataLocale').ns, mine('DataLocale').attrs.lang], [NS.p, 'en-US']);
  assert.deepEqual(
    [mine('ResourceURI').text, mine('ResourceURI').attrs.mustUnderstand],
    [request.resourceUri, 'true'],
  );
  const selector = mine('SelectorSet').children[0]!;
  assert.deepEqual(
    [selector.name, selector.ns, selector.attrs.Name, selector.text],
    ['Selector', NS.w, 'ShellId', 'ABC'],
  );
  const options = mine('OptionSet').children.map((o) => [o.attrs.Name, o.text, o.attrs.MustComply]);
  assert.deepEqual(options, [
    ['WINRS_NOPROFILE', 'TRUE', 'true'],
    ['WINRS_CODEPAGE', '65001', undefined],
  ]);
  assert.equal(childElement(parseXml(xml), 'Body', NS.s)?.children.length, 0);

  // Same header elements, same namespaces, as the real client's (SessionId aside, which is optional).
  const real = header(standard[4]!.request);
  const names = (el: XmlElement) =>
    el.children
      .filter((c) => c.name !== 'SessionId' && c.name !== 'OptionSet')
      .map((c) => `{${c.ns}}${c.name}`)
      .sort();
  assert.deepEqual(
    names(h).filter((n) => !n.endsWith('OptionSet')),
    names(real),
  );
});

test('MessageIDs are fresh upper-case uuid: URNs', () => {
  const a = buildEnvelope(request).messageId;
  const b = buildEnvelope(request).messageId;
  assert.match(a, /^uuid:[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  assert.notEqual(a, b);
  assert.match(newMessageId(), /^uuid:/);
});

test('OperationTimeout is written as PT<n>S and more than 60 seconds is refused', () => {
  const timeout = (s: number) =>
    headerEl(header(buildEnvelope({ ...request, operationTimeoutSeconds: s }).xml), 'OperationTimeout').text;
  assert.equal(timeout(60), 'PT60S');
  assert.equal(timeout(0.5), 'PT0.5S');
  for (const bad of [61, 0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => buildEnvelope({ ...request, operationTimeoutSeconds: bad }), RangeError);
  }
});

test('values are escaped, so selectors and URLs cannot break the envelope', () => {
  const { xml } = buildEnvelope({
    ...request,
    to: 'http://h/wsman?a=1&b=<2>',
    selectors: { ShellId: `"'<&>` },
  });
  const h = header(xml);
  assert.equal(headerEl(h, 'To').text, 'http://h/wsman?a=1&b=<2>');
  assert.equal(headerEl(h, 'SelectorSet').children[0]!.text, `"'<&>`);
});

test('a response gives its action, MessageID, RelatesTo and body', () => {
  const env = parseEnvelope(standard[1]!.response);
  assert.equal(env.action, 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandResponse');
  assert.equal(env.messageId, 'uuid:A2E35A1C-9C43-4D6E-AC2F-5ADE71F81180');
  assert.equal(env.relatesTo, 'uuid:109656EA-8D8A-46E9-BE22-5AA2199C7A7A');
  assert.equal(env.body.children[0]?.name, 'CommandResponse');
  assert.equal(
    parseEnvelope(standard[1]!.response, 'uuid:109656EA-8D8A-46E9-BE22-5AA2199C7A7A').relatesTo,
    env.relatesTo,
  );
});

test('an answer to another request is a protocol error', () => {
  assert.throws(
    () => parseEnvelope(standard[1]!.response, 'uuid:00000000-0000-0000-0000-000000000000'),
    (err) => {
      assert.ok(err instanceof WsmanProtocolError);
      assert.match(err.message, /relates to uuid:109656EA.*expected uuid:00000000/);
      return true;
    },
  );
  assert.throws(() => assertRelatesTo({ relatesTo: undefined }, 'uuid:1'), WsmanProtocolError);
  // Even a fault must answer our request before we believe it.
  const fault = transcript('winrs/test_winrs_operation_timeout')[4]!.response;
  assert.throws(() => parseEnvelope(fault, 'uuid:1'), WsmanProtocolError);
  assertRelatesTo({ relatesTo: 'uuid:abc-DEF' }, 'uuid:ABC-def');
});

test('any prefix bound to the right namespaces parses the same', () => {
  const xml =
    '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing">' +
    '<env:Header><wsa:Action>urn:act</wsa:Action><RelatesTo xmlns="http://schemas.xmlsoap.org/ws/2004/08/addressing">uuid:R</RelatesTo></env:Header>' +
    '<env:Body><CommandResponse xmlns="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><CommandId>C</CommandId></CommandResponse></env:Body>' +
    '</env:Envelope>';
  const env = parseEnvelope(xml, 'uuid:R');
  assert.equal(env.action, 'urn:act');
  assert.equal(env.body.children[0]?.ns, NS.rsp);
  // ...while the right prefix bound to the wrong namespace is not an envelope.
  assert.throws(
    () =>
      parseEnvelope('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>'),
    {
      name: 'WsmanProtocolError',
      message: /not a SOAP 1\.2 envelope/,
    },
  );
});

test('garbage, truncated, HTML, empty and bodiless answers are protocol errors', () => {
  const whole = standard[2]!.response;
  const bad = [
    '',
    'garbage',
    '{"error": "not xml"}',
    whole.slice(0, whole.length - 20),
    whole.slice(0, 200),
    '<html><head><title>Bad Request</title></head><body><h1>Bad Request</h1></body></html>',
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header/></s:Envelope>',
    `${whole}<extra/>`,
    '<!DOCTYPE x [<!ENTITY a "b">]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>&a;</s:Body></s:Envelope>',
  ];
  for (const text of bad) {
    assert.throws(() => parseEnvelope(text), WsmanProtocolError, JSON.stringify(text.slice(0, 60)));
  }
});

test('InvalidMessageInformationHeader: a fault with the addressing subcode and its WSManFault message', () => {
  const messages = transcript('wsman/test_psrp_is_alive_other_wsman_error');
  const m = messages.find((x) => x.request.includes('PT-1S'))!;
  assert.throws(
    () => parseEnvelope(m.response),
    (err: unknown) => {
      assert.ok(err instanceof WsmanFault);
      assert.equal(err.code, 'Sender');
      assert.equal(err.subcode, 'InvalidMessageInformationHeader');
      assert.equal(err.wsmanCode, 2150858767);
      assert.match(err.reason, /invalid SOAP headers\.$/);
      assert.match(err.detail, /invalid timeout field in the SOAP header: PT-1S\.$/);
      assert.equal(err.isOperationTimeout, false);
      assert.match(err.message, /InvalidMessageInformationHeader 2150858767/);
      return true;
    },
  );
});

test('TimedOut faults and nested provider faults', () => {
  const timedOut = transcript('winrs/test_winrs_operation_timeout')[4]!.response;
  assert.throws(
    () => parseEnvelope(timedOut),
    (err: unknown) =>
      err instanceof WsmanFault &&
      err.isOperationTimeout &&
      err.subcode === 'TimedOut' &&
      err.code === 'Receiver' &&
      /OperationTimeout\.$/.test(err.detail),
  );
  // Recognised by the code alone, too (a server may use another subcode prefix or none).
  assert.equal(
    new WsmanFault({ code: 'Receiver', subcode: '', wsmanCode: 2150858793, reason: '', detail: '' })
      .isOperationTimeout,
    true,
  );
  const badSelector = transcript('winrs/test_winrs_bad_cmd_id')[2]!.response;
  assert.throws(
    () => parseEnvelope(badSelector),
    (err: unknown) =>
      err instanceof WsmanFault &&
      err.faultDetail === 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors',
  );
});

test('the cfg:Config Get responses parse, whatever the configured envelope size', () => {
  for (const size of [150, 500, 4096]) {
    const [m] = transcript(`wsman/test_wsman_update_envelope_size_${size}`);
    const env = parseEnvelope(m!.response, parseEnvelope(m!.request).messageId);
    assert.equal(env.action, 'http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse');
    const config = childElement(env.body, 'Config', NS.cfg)!;
    assert.equal(childElement(config, 'MaxEnvelopeSizekb', NS.cfg)?.text, String(size));
    assert.equal(childElement(config, 'MaxTimeoutms', NS.cfg)?.text, '60000');
    const service = childElement(config, 'Service', NS.cfg)!;
    assert.equal(childElement(service, 'AllowUnencrypted', NS.cfg)?.text, 'false');
  }
});
