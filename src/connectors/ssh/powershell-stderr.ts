/**
 * stderr of PowerShell on a Windows host: when it starts with `#< CLIXML` (powershell.exe writes
 * its error records that way when its output is not a console), the records are turned into the
 * text a console would show; any other stderr passes on byte for byte, in whatever code page the
 * host wrote it. Pure.
 */
import { StringDecoder } from 'node:string_decoder';
import { ClixmlStderrDecoder } from '../windows/clixml.ts';

const HEADER = Buffer.from('#< CLIXML', 'latin1');
const EMPTY: Buffer = Buffer.alloc(0);

export class PowerShellStderr {
  private mode: 'detect' | 'plain' | 'clixml' = 'detect';
  private held: Buffer = EMPTY;
  private readonly text = new StringDecoder('utf8');
  private readonly clixml = new ClixmlStderrDecoder();

  /** Takes a stderr chunk and returns the bytes to deliver now (possibly none). */
  push(chunk: Buffer): Buffer {
    if (this.mode === 'plain') return chunk;
    let bytes = chunk;
    if (this.mode === 'detect') {
      bytes = Buffer.concat([this.held, chunk]);
      const n = Math.min(bytes.length, HEADER.length);
      if (!bytes.subarray(0, n).equals(HEADER.subarray(0, n))) {
        this.mode = 'plain';
        this.held = EMPTY;
        return bytes;
      }
      if (bytes.length < HEADER.length) {
        this.held = bytes;
        return EMPTY;
      }
      this.mode = 'clixml';
      this.held = EMPTY;
    }
    return Buffer.from(this.clixml.push(this.text.write(bytes)), 'utf8');
  }

  /** At the end of stderr: whatever is still held back. */
  end(): Buffer {
    if (this.mode === 'detect') {
      this.mode = 'plain';
      return this.held;
    }
    if (this.mode === 'plain') return EMPTY;
    return Buffer.from(this.clixml.push(this.text.end()) + this.clixml.end(), 'utf8');
  }
}
