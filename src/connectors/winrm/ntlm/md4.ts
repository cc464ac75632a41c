import md4 from 'js-md4';

/** MD4 digest (16 bytes). Node 20's OpenSSL has no MD4, so this goes through js-md4's pure-JS hasher. */
export function md4Digest(data: Buffer): Buffer {
  return Buffer.from(md4.create().update(data).arrayBuffer());
}
