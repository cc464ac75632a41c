// WinRM message encryption over HTTP (MS-WSMV 2.2.9.1): each SOAP body travels sealed inside a
// two-part multipart/encrypted document. NTLM needs no chunking (that is multipart/x-multi-encrypted,
// used by CredSSP), so a body is always one sealed part.
import { NtlmError, type NtlmSecurity } from './ntlm/index.ts';

const BOUNDARY = 'Encrypted Boundary';
const PROTOCOL = 'application/HTTP-SPNEGO-session-encrypted';
const SIGNATURE_LENGTH = 16;

/** The Content-Type of an encrypted WinRM request or response. */
export const ENCRYPTED_CONTENT_TYPE = `multipart/encrypted;protocol="${PROTOCOL}";boundary="${BOUNDARY}"`;

/** Seals a SOAP envelope (UTF-8 bytes) into a multipart/encrypted body. */
export function encryptMessage(security: NtlmSecurity, soap: Buffer): { body: Buffer; contentType: string } {
  const { signature, sealed } = security.wrap(soap);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(signature.length);
  const body = Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\n` +
        `\tContent-Type: ${PROTOCOL}\r\n` +
        `\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${soap.length}\r\n` +
        `--${BOUNDARY}\r\n` +
        '\tContent-Type: application/octet-stream\r\n',
      'latin1',
    ),
    length,
    signature,
    sealed,
    Buffer.from(`--${BOUNDARY}--\r\n`, 'latin1'),
  ]);
  return { body, contentType: ENCRYPTED_CONTENT_TYPE };
}

function malformed(what: string): NtlmError {
  return new NtlmError('malformed', `encrypted WinRM message: ${what}`);
}

/** Parameters of a Content-Type header, names lower-cased, quotes removed. */
function contentTypeParams(contentType: string): { type: string; params: Map<string, string> } {
  const [type = '', ...rest] = contentType.split(';');
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    params.set(
      p.slice(0, eq).trim().toLowerCase(),
      p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return { type: type.trim().toLowerCase(), params };
}

/** Reads one CRLF-terminated line starting at `pos`; the body is decoded as Latin-1, one char per byte. */
function line(text: string, pos: number): { value: string; next: number } {
  const end = text.indexOf('\r\n', pos);
  if (end < 0) throw malformed('truncated MIME headers');
  return { value: text.slice(pos, end), next: end + 2 };
}

function header(value: string): { name: string; value: string } {
  const colon = value.indexOf(':');
  if (colon < 0) throw malformed(`bad MIME header line "${value.trim()}"`);
  return { name: value.slice(0, colon).trim().toLowerCase(), value: value.slice(colon + 1).trim() };
}

/**
 * Opens a multipart/encrypted body and verifies it. Throws NtlmError('malformed') for a wrong content
 * type, bad framing, a length that does not match or a truncated body, and NtlmError('signature') when the
 * sealed bytes or signature fail verification.
 */
export function decryptMessage(security: NtlmSecurity, body: Buffer, contentType: string): Buffer {
  const ct = contentTypeParams(contentType);
  if (
    ct.type !== 'multipart/encrypted' ||
    ct.params.get('protocol')?.toLowerCase() !== PROTOCOL.toLowerCase()
  )
    throw malformed(`unexpected content type "${contentType}"`);
  const boundary = `--${ct.params.get('boundary') ?? BOUNDARY}`;
  // Only the MIME headers are parsed as text; the binary part is located by its declared length.
  const text = body.subarray(0, Math.min(body.length, 4096)).toString('latin1');
  let l = line(text, 0);
  if (l.value !== boundary) throw malformed('does not start with the boundary');
  let length: number | undefined;
  for (l = line(text, l.next); l.value !== boundary; l = line(text, l.next)) {
    const h = header(l.value);
    if (h.name === 'content-type' && h.value.toLowerCase() !== PROTOCOL.toLowerCase())
      throw malformed(`unexpected first part type "${h.value}"`);
    if (h.name === 'originalcontent') {
      const m = /(?:^|;)\s*length=(\d+)\s*(?:;|$)/i.exec(h.value);
      if (m === null) throw malformed('OriginalContent has no Length');
      length = Number(m[1]);
    }
  }
  if (length === undefined) throw malformed('no OriginalContent header');
  // The octet-stream part has one header line and no blank line before its data (as Windows sends it).
  l = line(text, l.next);
  const h = header(l.value);
  if (h.name !== 'content-type' || h.value.toLowerCase() !== 'application/octet-stream')
    throw malformed(`unexpected second part header "${l.value.trim()}"`);
  let pos = l.next;
  if (pos + 4 > body.length) throw malformed('truncated before the signature length');
  const signatureLength = body.readUInt32LE(pos);
  if (signatureLength !== SIGNATURE_LENGTH)
    throw malformed(`signature length ${signatureLength}, expected 16`);
  pos += 4;
  const end = pos + SIGNATURE_LENGTH + length;
  if (end > body.length) throw malformed('sealed data is shorter than its OriginalContent Length');
  const trailer = body.subarray(end, end + boundary.length).toString('latin1');
  if (trailer !== boundary) throw malformed('sealed data is not followed by the closing boundary');
  const signature = body.subarray(pos, pos + SIGNATURE_LENGTH);
  return security.unwrap(body.subarray(pos + SIGNATURE_LENGTH, end), signature);
}
