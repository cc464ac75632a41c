// XML for the WinRM message layer: escaping for the documents we build, and a namespace-resolving
// parse into a small element tree. fast-xml-parser does the tokenising; entities and namespaces are
// resolved here so that only the five XML entities and character references are ever expanded and
// any prefix bound to the right namespace URI works (Windows uses s:/a:/w:/p:/rsp:, others do not).
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One parsed XML element, with its namespace resolved from the in-scope `xmlns` declarations. */
export interface XmlElement {
  /** Local name, without the prefix (`Envelope` for `s:Envelope`). */
  readonly name: string;
  /** Namespace URI the prefix (or the default namespace) was bound to; `''` when none. */
  readonly ns: string;
  /**
   * Attributes by local name (`xml:lang` → `lang`), values entity-decoded; `xmlns` declarations are
   * left out. A null-prototype object: spread it (`{ ...attrs }`) to compare with a literal.
   */
  readonly attrs: Readonly<Record<string, string>>;
  /** Child elements in document order. */
  readonly children: readonly XmlElement[];
  /** The element's own text (text nodes and CDATA, not descendants'), decoded and untrimmed. */
  readonly text: string;
  /** Prefix → namespace URI bindings in scope at this element, to resolve QName values such as `w:TimedOut`. */
  readonly scope: ReadonlyMap<string, string>;
}

/** The input is not well-formed XML (or uses a feature we refuse, such as a DTD). */
export class XmlParseError extends Error {
  override readonly name = 'XmlParseError';
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const RENAMED = '\u0001';

function originalName(name: string): string {
  return name.startsWith(RENAMED) ? name.slice(RENAMED.length) : name;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A raw CR would reach the reader as LF (XML end-of-line handling).
  '\r': '&#13;',
};

/** Escapes text for use in element content or a quoted attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ESCAPES[c] ?? c);
}

const NAMED_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Expands the XML standard entities and character references; anything else is an error, never a lookup. */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new XmlParseError(`malformed entity reference '${whole}'`);
    const named = NAMED_ENTITIES[ref];
    if (named !== undefined) return named;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    const code = m ? Number.parseInt(m[1] ?? m[2] ?? '', m[1] ? 16 : 10) : Number.NaN;
    if (!Number.isFinite(code) || code > 0x10ffff || code === 0) {
      throw new XmlParseError(`unsupported entity reference '${whole}'`);
    }
    return String.fromCodePoint(code);
  });
}

// Ordered output keeps mixed content and repeated siblings (rsp:Stream, rsp:Arguments) in order;
// entity processing is off because decodeEntities above is the only expansion we allow.
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
  // The tokenizer renames names such as `toString`; mark them with a character no XML name can hold
  // so that buildElement restores them exactly.
  onDangerousProperty: (name) => `${RENAMED}${name}`,
});

type OrderedNode = Record<string, unknown>;

function isRecord(value: unknown): value is OrderedNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nodeList(value: unknown): OrderedNode[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function splitQName(qname: string): { prefix: string; local: string } {
  const i = qname.indexOf(':');
  return i < 0 ? { prefix: '', local: qname } : { prefix: qname.slice(0, i), local: qname.slice(i + 1) };
}

function resolvePrefix(prefix: string, scope: ReadonlyMap<string, string>, what: string): string {
  if (prefix === 'xml') return XML_NS;
  const ns = scope.get(prefix);
  if (ns === undefined) {
    if (prefix === '') return '';
    throw new XmlParseError(`namespace prefix '${prefix}' of ${what} is not declared`);
  }
  return ns;
}

function cdataText(value: unknown): string {
  return nodeList(value)
    .map((n) => (typeof n['#text'] === 'string' ? n['#text'] : ''))
    .join('');
}

function buildElement(
  qname: string,
  node: OrderedNode,
  parentScope: ReadonlyMap<string, string>,
  qualifiedName = qname,
): XmlElement {
  const rawAttrs = isRecord(node[':@']) ? node[':@'] : {};
  let scope = parentScope;
  for (const [key, value] of Object.entries(rawAttrs)) {
    if (typeof value !== 'string') continue;
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string>).set(key === 'xmlns' ? '' : key.slice(6), decodeEntities(value));
    }
  }
  // No prototype: a lookup of an absent attribute must give undefined, even for `toString`.
  const attrs = Object.create(null) as Record<string, string>;
  for (const [rawKey, value] of Object.entries(rawAttrs)) {
    const key = originalName(rawKey);
    if (typeof value !== 'string' || key === 'xmlns' || key.startsWith('xmlns:')) continue;
    const { prefix, local } = splitQName(key);
    // Unprefixed attributes have no namespace in XML; only check that a prefix is bound.
    if (prefix !== '') resolvePrefix(prefix, scope, `attribute '${key}'`);
    attrs[local] = decodeEntities(value);
  }
  const { prefix, local } = splitQName(qualifiedName);
  const ns = resolvePrefix(prefix, scope, `element '${qualifiedName}'`);
  const children: XmlElement[] = [];
  let text = '';
  for (const child of nodeList(node[qname])) {
    const key = Object.keys(child).find((k) => k !== ':@');
    if (key === undefined || key === '#comment') continue;
    if (key === '#text') text += decodeEntities(String(child[key]));
    else if (key === '#cdata') text += cdataText(child[key]);
    else children.push(buildElement(key, child, scope, originalName(key)));
  }
  return { name: local, ns, attrs, children, text, scope };
}

/**
 * Parses one XML document into its root element. Rejects non-XML, truncated documents, more than one
 * root, DTDs (SOAP forbids them, and refusing them rules out entity expansion attacks) and unknown
 * entities, with an {@link XmlParseError}.
 */
export function parseXml(xml: string): XmlElement {
  const input = xml.replace(/^\uFEFF/, '');
  if (/<!DOCTYPE/i.test(input)) throw new XmlParseError('document type declarations are not accepted');
  const valid = XMLValidator.validate(input);
  if (valid !== true) {
    throw new XmlParseError(
      `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, col ${valid.err.col})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parser.parse(input);
  } catch (err) {
    throw new XmlParseError(`not well-formed XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const roots = nodeList(parsed).flatMap((n) => {
    const key = Object.keys(n).find((k) => k !== ':@');
    return key === undefined || key.startsWith('#') ? [] : [{ key, n }];
  });
  const root = roots[0];
  if (!root || roots.length !== 1) throw new XmlParseError('an XML document needs exactly one root element');
  return buildElement(root.key, root.n, new Map(), originalName(root.key));
}

/** First child element with this local name (and namespace, when given). */
export function childElement(el: XmlElement, name: string, ns?: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name && (ns === undefined || c.ns === ns));
}

/** All child elements with this local name (and namespace, when given). */
export function childElements(el: XmlElement, name: string, ns?: string): XmlElement[] {
  return el.children.filter((c) => c.name === name && (ns === undefined || c.ns === ns));
}

/** First element, depth first, with this local name (and namespace, when given), including `el` itself. */
export function findElement(el: XmlElement, name: string, ns?: string): XmlElement | undefined {
  if (el.name === name && (ns === undefined || el.ns === ns)) return el;
  for (const c of el.children) {
    const found = findElement(c, name, ns);
    if (found) return found;
  }
  return undefined;
}

/** All text below `el`, in document order (its own text and its descendants'). */
export function deepText(el: XmlElement): string {
  // The tree keeps an element's text apart from its children, so interleaving is approximate: own
  // text first. Good enough for messages such as f:Message wrapping an f:ProviderFault.
  return el.text + el.children.map(deepText).join('');
}

/** Resolves a QName in text content (such as `w:TimedOut` in `s:Value`) against the element's scope. */
export function resolveQName(el: XmlElement, qname: string): { ns: string; local: string } {
  const { prefix, local } = splitQName(qname.trim());
  return { ns: prefix === 'xml' ? XML_NS : (el.scope.get(prefix) ?? ''), local };
}
