// js-md4 ships no type declarations; only the incremental hasher is used (md4.create()),
// because the package's one-shot md4() delegates to node:crypto, which refuses MD4 on Node 20.
declare module 'js-md4' {
  interface Md4Hasher {
    update(message: Uint8Array | ArrayBuffer | string): Md4Hasher;
    arrayBuffer(): ArrayBuffer;
    hex(): string;
  }
  interface Md4 {
    create(): Md4Hasher;
  }
  const md4: Md4;
  export default md4;
}
