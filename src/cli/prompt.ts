/** Secrets come from a terminal prompt without echo, or from a pipe; never from argv. */
import { createInterface } from 'node:readline';
import { CliError, type CliInput, type CliIo, ExitCode, usageError } from './io.ts';

/** One trailing newline (`\n` or `\r\n`) removed, as `echo secret |` adds it. */
export const stripNewline = (s: string): string => s.replace(/\r?\n$/, '');

/** Everything until end of input. */
export function readAll(input: CliInput): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    input.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    input.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    input.once('error', reject);
    input.resume();
  });
}

function stdinOf(io: CliIo): CliInput {
  if (!io.stdin) throw usageError('no input to read the secret from');
  return io.stdin;
}

/** Reads a line typed at the terminal, showing nothing, handling backspace and Ctrl-C. */
export function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const input = stdinOf(io);
  io.stderr(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error: Error | null) => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      io.stderr('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003') return finish(new CliError('interrupted', ExitCode.interrupted));
        if (ch === '\u0004') return finish(value ? null : usageError('no password given'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    input.setRawMode?.(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}

/** Reads one visible line from a terminal. */
export function promptLine(io: CliIo, prompt: string): Promise<string> {
  const input = stdinOf(io);
  io.stderr(prompt);
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, terminal: false });
    rl.once('line', (line) => {
      rl.close();
      input.pause();
      resolve(line.trim());
    });
    rl.once('close', () => reject(usageError('no input')));
  });
}

/**
 * A secret from the terminal (hidden prompt) or, when input is piped, all of it minus the
 * trailing newline.
 */
export async function readSecret(io: CliIo, prompt: string, what: string): Promise<string> {
  const input = stdinOf(io);
  const secret = input.isTTY ? await promptHidden(io, prompt) : stripNewline(await readAll(input));
  if (!secret) throw usageError(`no ${what} given on standard input`);
  return secret;
}
