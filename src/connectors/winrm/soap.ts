// WS-Management SOAP 1.2 envelopes: building requests, parsing responses, turning faults into errors.
import { randomUUID } from 'node:crypto';
import {
  childElement,
  deepText,
  escapeXml,
  findElement,
  parseXml,
  resolveQName,
  type XmlElement,
  XmlParseError,
} from './xml.ts';

/** Namespace URIs, and the prefixes our requests bind them to (the ones Windows itself uses). */
export const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  a: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  x: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  w: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  p: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
  rsp: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
  f: 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault',
  cfg: 'http://schemas.microsoft.com/wbem/wsman/1/config',
} as const;

const ANONYMOUS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

/** WinRM's MaxTimeoutms default is 60 000; a longer OperationTimeout is refused by the server. */
export const MAX_OPERATION_TIMEOUT_SECONDS = 60;

/** Server default MaxEnvelopeSizekb is 500; 150 KiB (what Windows clients send) fits every host. */
export const DEFAULT_MAX_ENVELOPE_SIZE = 153600;

/** A `w:Option` of the `w:OptionSet` header. */
export interface WsmanOption {
  readonly name: string;
  readonly value: string;
  /** Adds `MustComply="true"`: the server must fail rather than ignore an option it cannot honour. */
  readonly mustComply?: boolean;
}

/** The operation-specific parts of a request, as produced by the WinRS builders. */
export interface WsmanRequest {
  /** WS-Addressing action URI. */
  readonly action: string;
  readonly resourceUri: string;
  /** `w:SelectorSet` entries, e.g. `{ ShellId: '…' }`. */
  readonly selectors?: Readonly<Record<string, string>>;
  readonly options?: readonly WsmanOption[];
  /** Body content: an XML fragment using the envelope's prefixes (s, a, x, w, p, rsp); `''` for an empty body. */
  readonly body: string;
}

/** Everything {@link buildEnvelope} needs. */
export interface EnvelopeInput extends WsmanRequest {
  /** Endpoint URL, e.g. `http://host:5985/wsman`. */
  readonly to: string;
  /** Defaults to a fresh `uuid:` + random upper-case UUID (as Windows clients send). */
  readonly messageId?: string;
  /** Seconds, at most {@link MAX_OPERATION_TIMEOUT_SECONDS}; default 20. */
  readonly operationTimeoutSeconds?: number;
  /** Bytes; default {@link DEFAULT_MAX_ENVELOPE_SIZE}. */
  readonly maxEnvelopeSize?: number;
  /** `xml:lang` of Locale and DataLocale; default `en-US`. */
  readonly locale?: string;
}

/** A built request: the XML text and the MessageID its response must relate to. */
export interface BuiltEnvelope {
  readonly xml: string;
  readonly messageId: string;
}

/** A parsed, non-fault response envelope. */
export interface ParsedEnvelope {
  readonly action: string | undefined;
  readonly messageId: string | undefined;
  readonly relatesTo: string | undefined;
  readonly header: XmlElement | undefined;
  /** The `s:Body` element. */
  readonly body: XmlElement;
}

/** The response is not a usable WS-Management message (not XML, not a SOAP envelope, truncated, unrelated). */
export class WsmanProtocolError extends Error {
  override readonly name = 'WsmanProtocolError';
}

/** Parts of a SOAP fault, as read from the message. */
export interface WsmanFaultFields {
  /** `s:Code/s:Value` local name: `Sender` or `Receiver`. */
  readonly code: string;
  /** `s:Subcode/s:Value` local name, e.g. `TimedOut`, `InvalidSelectors`; `''` when absent. */
  readonly subcode: string;
  /** `f:WSManFault/@Code`, e.g. 2150858793; null when absent. */
  readonly wsmanCode: number | null;
  /** `s:Reason/s:Text`, trimmed. */
  readonly reason: string;
  /** `f:Message` text (including a nested `f:ProviderFault`), trimmed; falls back to the reason. */
  readonly detail: string;
  /** `w:FaultDetail` URI, when present. */
  readonly faultDetail?: string;
}

/** WSManFault code of `w:TimedOut`: the OperationTimeout passed with nothing to report — poll again. */
export const WSMAN_CODE_TIMED_OUT = 2150858793;

/** A SOAP fault returned by the server. */
export class WsmanFault extends Error implements WsmanFaultFields {
  override readonly name = 'WsmanFault';
  readonly code: string;
  readonly subcode: string;
  readonly wsmanCode: number | null;
  readonly reason: string;
  readonly detail: string;
  readonly faultDetail?: string;

  constructor(fields: WsmanFaultFields) {
    const label = [fields.subcode || fields.code, fields.wsmanCode ?? undefined].filter(Boolean).join(' ');
    super(`WS-Management fault (${label}): ${fields.detail || fields.reason}`);
    this.code = fields.code;
    this.subcode = fields.subcode;
    this.wsmanCode = fields.wsmanCode;
    this.reason = fields.reason;
    this.detail = fields.detail;
    if (fields.faultDetail !== undefined) this.faultDetail = fields.faultDetail;
  }

  /** A Receive that simply found no output within OperationTimeout; not a failure. */
  get isOperationTimeout(): boolean {
    return this.subcode === 'TimedOut' || this.wsmanCode === WSMAN_CODE_TIMED_OUT;
  }
}

function operationTimeout(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_OPERATION_TIMEOUT_SECONDS) {
    throw new RangeError(
      `OperationTimeout must be more than 0 and at most ${MAX_OPERATION_TIMEOUT_SECONDS} seconds, got ${seconds}`,
    );
  }
  // Millisecond precision is all WinRM keeps; trailing zeros are dropped (PT20S, PT0.5S).
  return `PT${Number(seconds.toFixed(3))}S`;
}

function selectorSet(selectors: Readonly<Record<string, string>> | undefined): string {
  const entries = Object.entries(selectors ?? {});
  if (entries.length === 0) return '';
  const items = entries.map(([k, v]) => `<w:Selector Name="${escapeXml(k)}">${escapeXml(v)}</w:Selector>`);
  return `<w:SelectorSet>${items.join('')}</w:SelectorSet>`;
}

function optionSet(options: readonly WsmanOption[] | undefined): string {
  if (!options || options.length === 0) return '';
  const items = options.map(
    (o) =>
      `<w:Option Name="${escapeXml(o.name)}"${o.mustComply ? ' MustComply="true"' : ''}>${escapeXml(o.value)}</w:Option>`,
  );
  return `<w:OptionSet s:mustUnderstand="true">${items.join('')}</w:OptionSet>`;
}

/** Creates a MessageID the way Windows clients do: `uuid:` + upper-case random UUID. */
export function newMessageId(): string {
  return `uuid:${randomUUID().toUpperCase()}`;
}

/** Builds a complete WS-Man SOAP 1.2 request envelope. Throws RangeError for an OperationTimeout over 60 s. */
export function buildEnvelope(input: EnvelopeInput): BuiltEnvelope {
  const messageId = input.messageId ?? newMessageId();
  const timeout = operationTimeout(input.operationTimeoutSeconds ?? 20);
  const maxSize = input.maxEnvelopeSize ?? DEFAULT_MAX_ENVELOPE_SIZE;
  if (!Number.isInteger(maxSize) || maxSize < 8192) {
    throw new RangeError(`MaxEnvelopeSize must be an integer of at least 8192 bytes, got ${maxSize}`);
  }
  const lang = escapeXml(input.locale ?? 'en-US');
  const header = [
    `<a:To>${escapeXml(input.to)}</a:To>`,
    `<a:ReplyTo><a:Address s:mustUnderstand="true">${ANONYMOUS}</a:Address></a:ReplyTo>`,
    `<a:Action s:mustUnderstand="true">${escapeXml(input.action)}</a:Action>`,
    `<a:MessageID>${escapeXml(messageId)}</a:MessageID>`,
    `<w:MaxEnvelopeSize s:mustUnderstand="true">${maxSize}</w:MaxEnvelopeSize>`,
    `<w:OperationTimeout>${timeout}</w:OperationTimeout>`,
    `<w:Locale xml:lang="${lang}" s:mustUnderstand="false"/>`,
    `<p:DataLocale xml:lang="${lang}" s:mustUnderstand="false"/>`,
    `<w:ResourceURI s:mustUnderstand="true">${escapeXml(input.resourceUri)}</w:ResourceURI>`,
    selectorSet(input.selectors),
    optionSet(input.options),
  ].join('');
  const xmlns = (['s', 'a', 'x', 'w', 'p', 'rsp'] as const).map((k) => ` xmlns:${k}="${NS[k]}"`).join('');
  const body = input.body === '' ? '<s:Body/>' : `<s:Body>${input.body}</s:Body>`;
  return {
    xml: `<?xml version="1.0" encoding="utf-8"?><s:Envelope${xmlns}><s:Header>${header}</s:Header>${body}</s:Envelope>`,
    messageId,
  };
}

function describeRoot(el: XmlElement): string {
  return el.ns ? `{${el.ns}}${el.name}` : el.name;
}

/** Reads a SOAP fault element into its fields. */
export function readFault(fault: XmlElement): WsmanFaultFields {
  const codeEl = childElement(fault, 'Code', NS.s);
  const valueEl = codeEl && childElement(codeEl, 'Value', NS.s);
  const subcodeEl = codeEl && childElement(codeEl, 'Subcode', NS.s);
  const subValueEl = subcodeEl && childElement(subcodeEl, 'Value', NS.s);
  const code = valueEl ? resolveQName(valueEl, valueEl.text).local : '';
  const subcode = subValueEl ? resolveQName(subValueEl, subValueEl.text).local : '';
  const reasonEl = childElement(fault, 'Reason', NS.s);
  const reason = (reasonEl && childElement(reasonEl, 'Text', NS.s)?.text.trim()) ?? '';
  const detailEl = childElement(fault, 'Detail', NS.s);
  const wsmanFault = detailEl && findElement(detailEl, 'WSManFault', NS.f);
  const rawCode = wsmanFault?.attrs.Code;
  const parsedCode = rawCode !== undefined && /^\d+$/.test(rawCode.trim()) ? Number(rawCode) : null;
  const messageEl = wsmanFault && childElement(wsmanFault, 'Message', NS.f);
  const detail = (messageEl ? deepText(messageEl).trim() : '') || reason;
  const faultDetail = detailEl && childElement(detailEl, 'FaultDetail', NS.w)?.text.trim();
  return {
    code,
    subcode,
    wsmanCode: parsedCode,
    reason,
    detail,
    ...(faultDetail ? { faultDetail } : {}),
  };
}

/**
 * Parses a response envelope. A fault body is thrown as {@link WsmanFault}; anything that is not a
 * SOAP 1.2 envelope with a body (HTML error pages, truncated or garbage bodies) as {@link WsmanProtocolError}.
 * With `expectRelatesTo`, the RelatesTo header must match that MessageID (checked before any fault).
 */
export function parseEnvelope(xml: string, expectRelatesTo?: string): ParsedEnvelope {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (err) {
    if (err instanceof XmlParseError) throw new WsmanProtocolError(`response is not XML: ${err.message}`);
    throw err;
  }
  if (root.name !== 'Envelope' || root.ns !== NS.s) {
    throw new WsmanProtocolError(`response is not a SOAP 1.2 envelope (root element ${describeRoot(root)})`);
  }
  const header = childElement(root, 'Header', NS.s);
  const body = childElement(root, 'Body', NS.s);
  if (!body) throw new WsmanProtocolError('SOAP envelope has no Body');
  const headerText = (name: string): string | undefined => {
    const el = header && childElement(header, name, NS.a);
    return el ? el.text.trim() : undefined;
  };
  const parsed: ParsedEnvelope = {
    action: headerText('Action'),
    messageId: headerText('MessageID'),
    relatesTo: headerText('RelatesTo'),
    header,
    body,
  };
  if (expectRelatesTo !== undefined) assertRelatesTo(parsed, expectRelatesTo);
  const fault = childElement(body, 'Fault', NS.s);
  if (fault) throw new WsmanFault(readFault(fault));
  return parsed;
}

/** Throws {@link WsmanProtocolError} unless the response's RelatesTo is the request's MessageID. */
export function assertRelatesTo(envelope: Pick<ParsedEnvelope, 'relatesTo'>, requestMessageId: string): void {
  // UUIDs compare case-insensitively (RFC 4122); Windows echoes ours verbatim anyway.
  if (envelope.relatesTo?.toLowerCase() !== requestMessageId.toLowerCase()) {
    throw new WsmanProtocolError(
      `response relates to ${envelope.relatesTo ?? 'no message'}, expected ${requestMessageId}`,
    );
  }
}
