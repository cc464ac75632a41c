/**
 * WS-Management request parsing and response envelopes in the exact shape Windows Server sends
 * (element order, prefixes and namespace declarations copied from recorded transcripts in
 * ../shared/winrm-fixtures/pypsrp/winrs/).
 */
import { randomUUID } from 'node:crypto';
import { type FaultSpec, faults } from './faults.ts';
import { child, childrenNamed, escapeXml, parseXml, type XmlElement, XmlError } from './xml.ts';

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  addressing: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  transfer: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  wsman: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  wsmv: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
  shell: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
} as const;

export const CMD_RESOURCE_URI = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

export const ACTIONS = {
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  command: `${NS.shell}/Command`,
  receive: `${NS.shell}/Receive`,
  send: `${NS.shell}/Send`,
  signal: `${NS.shell}/Signal`,
} as const;
export type ActionName = keyof typeof ACTIONS;

export interface WsmanRequest {
  readonly action: ActionName;
  readonly messageId: string;
  readonly resourceUri: string;
  /** From wsman:OperationTimeout; undefined when the client sent none. */
  readonly operationTimeoutMs: number | undefined;
  readonly maxEnvelopeSize: number;
  readonly selectors: ReadonlyMap<string, string>;
  readonly options: ReadonlyMap<string, string>;
  /** The first element of s:Body, if any. */
  readonly body: XmlElement | undefined;
}

/** A request the server refuses with a fault; `relatesTo` is set when the MessageID was readable. */
export class WsmanFault extends Error {
  constructor(
    readonly fault: FaultSpec,
    readonly relatesTo?: string,
  ) {
    super(fault.subcode);
  }
}

/** Parses and validates a SOAP request as WinRM does before dispatching it; throws WsmanFault. */
export function parseRequest(soap: string): WsmanRequest {
  let envelope: XmlElement;
  try {
    envelope = parseXml(soap);
  } catch (e) {
    if (e instanceof XmlError) throw new WsmanFault(faults.malformedXml());
    throw e;
  }
  if (envelope.ns !== NS.soap || envelope.name !== 'Envelope') throw new WsmanFault(faults.malformedXml());
  const header = child(envelope, NS.soap, 'Header');
  const messageId = child(header, NS.addressing, 'MessageID')?.text.trim();
  const actionUri = child(header, NS.addressing, 'Action')?.text.trim();
  if (!messageId) throw new WsmanFault(faults.invalidHeader('The MessageID header is missing.'));
  if (!actionUri) throw new WsmanFault(faults.invalidHeader('The Action header is missing.'), messageId);
  const action = (Object.keys(ACTIONS) as ActionName[]).find((k) => ACTIONS[k] === actionUri);
  if (!action) throw new WsmanFault(faults.actionNotSupported(actionUri), messageId);

  const resourceUri = child(header, NS.wsman, 'ResourceURI')?.text.trim() ?? '';
  if (resourceUri.toLowerCase() !== CMD_RESOURCE_URI) {
    throw new WsmanFault(faults.destinationUnreachable(resourceUri), messageId);
  }
  const timeoutText = child(header, NS.wsman, 'OperationTimeout')?.text.trim();
  const operationTimeoutMs = timeoutText === undefined ? undefined : parseDuration(timeoutText);
  if (operationTimeoutMs !== undefined && !(operationTimeoutMs > 0)) {
    throw new WsmanFault(
      faults.invalidHeader(`The XML contains an invalid timeout field in the SOAP header: ${timeoutText}.`),
      messageId,
    );
  }
  const maxText = child(header, NS.wsman, 'MaxEnvelopeSize')?.text.trim();
  const maxEnvelopeSize = maxText === undefined ? 153600 : Number(maxText);
  if (!Number.isInteger(maxEnvelopeSize) || maxEnvelopeSize < 8192) {
    throw new WsmanFault(faults.invalidHeader(`The MaxEnvelopeSize ${maxText} is invalid.`), messageId);
  }
  const selectors = new Map<string, string>();
  for (const s of childrenNamed(child(header, NS.wsman, 'SelectorSet'), NS.wsman, 'Selector')) {
    selectors.set(s.attrs.Name ?? '', s.text.trim());
  }
  const options = new Map<string, string>();
  for (const o of childrenNamed(child(header, NS.wsman, 'OptionSet'), NS.wsman, 'Option')) {
    options.set(o.attrs.Name ?? '', o.text.trim());
  }
  const body = child(envelope, NS.soap, 'Body')?.children[0];
  return { action, messageId, resourceUri, operationTimeoutMs, maxEnvelopeSize, selectors, options, body };
}

/** xs:duration as WS-Man uses it (`PT20S`, `PT60.000S`, `PT1M`); NaN when unreadable or negative. */
export function parseDuration(text: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return Number.NaN;
  const [, d, h, min, s] = m;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}

function messageUuid(): string {
  return `uuid:${randomUUID().toUpperCase()}`;
}

const ENVELOPE_OPEN =
  `<s:Envelope xml:lang="en-US" xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:x="${NS.transfer}" ` +
  `xmlns:w="${NS.wsman}" xmlns:rsp="${NS.shell}" xmlns:p="${NS.wsmv}">`;
const FAULT_ENVELOPE_OPEN =
  `<s:Envelope xml:lang="en-US" xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:x="${NS.transfer}" ` +
  'xmlns:e="http://schemas.xmlsoap.org/ws/2004/08/eventing" ' +
  'xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" ' +
  `xmlns:w="${NS.wsman}" xmlns:p="${NS.wsmv}">`;

/** A success envelope: `action` is the response action (e.g. `…/CommandResponse`). */
export function responseEnvelope(action: string, relatesTo: string, body: string): string {
  return (
    `${ENVELOPE_OPEN}<s:Header><a:Action>${escapeXml(action)}</a:Action>` +
    `<a:MessageID>${messageUuid()}</a:MessageID><a:To>${ANONYMOUS}</a:To>` +
    `<a:RelatesTo>${escapeXml(relatesTo)}</a:RelatesTo></s:Header><s:Body>${body}</s:Body></s:Envelope>`
  );
}

export function faultEnvelope(fault: FaultSpec, relatesTo: string | undefined, machine: string): string {
  const action = fault.subcode.startsWith('a:')
    ? 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault'
    : 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault';
  const relates = relatesTo ? `<a:RelatesTo>${escapeXml(relatesTo)}</a:RelatesTo>` : '';
  const detail = fault.faultDetail ? `<w:FaultDetail>${fault.faultDetail}</w:FaultDetail>` : '';
  return (
    `${FAULT_ENVELOPE_OPEN}<s:Header><a:Action>${action}</a:Action>` +
    `<a:MessageID>${messageUuid()}</a:MessageID><a:To>${ANONYMOUS}</a:To>${relates}</s:Header>` +
    `<s:Body><s:Fault><s:Code><s:Value>s:${fault.role}</s:Value><s:Subcode><s:Value>${fault.subcode}</s:Value>` +
    `</s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">${escapeXml(fault.reason)}</s:Text></s:Reason>` +
    `<s:Detail>${detail}<f:WSManFault xmlns:f="http://schemas.microsoft.com/wbem/wsman/1/wsmanfault" ` +
    `Code="${fault.code}" Machine="${escapeXml(machine)}"><f:Message>${escapeXml(fault.message)}</f:Message>` +
    '</f:WSManFault></s:Detail></s:Fault></s:Body></s:Envelope>'
  );
}
