/** Real Windows WinRS transcripts (pypsrp recordings) and a prefix-independent view of requests, for the WinRS tests. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { buildEnvelope, type WsmanRequest } from './soap.ts';
import type { ReceiveResult } from './winrs.ts';
import { childElement, parseXml, type XmlElement } from './xml.ts';

export const FIXTURES = new URL('../../../../shared/winrm-fixtures/pypsrp/winrs/', import.meta.url);
export const RESPONSE = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/ReceiveResponse';

export interface Exchange {
  readonly request: string;
  readonly response: string;
}

export function transcript(name: string): Exchange[] {
  const doc = parseYaml(readFileSync(new URL(`${name}.yml`, FIXTURES), 'utf8')) as { messages: Exchange[] };
  return doc.messages;
}

/** The response to the request whose action ends with `action`, n-th occurrence. */
export function responseTo(messages: Exchange[], action: string, nth = 0): string {
  const found = messages.filter((m) => requestAction(m.request).endsWith(`/${action}`));
  const m = found[nth];
  assert.ok(m, `no ${action} #${nth}`);
  return m.response;
}

function requestAction(xml: string): string {
  return describeRequest(xml).action;
}

export interface Tree {
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
export function describeRequest(xml: string) {
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

export function built(parts: WsmanRequest) {
  return describeRequest(buildEnvelope({ ...parts, to: 'http://192.168.56.11:5985/wsman' }).xml);
}

export function text(result: ReceiveResult, stream: 'stdout' | 'stderr'): string {
  return Buffer.concat(result.chunks.filter((c) => c.stream === stream).map((c) => c.data)).toString('utf8');
}
