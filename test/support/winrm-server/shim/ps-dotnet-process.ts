/**
 * .NET members about the process itself: `[Environment]::MachineName`,
 * `[Environment]::CurrentDirectory` (get and set; the
 * directory relative paths of the file members resolve against) and `[Console]::Out` /
 * `[Console]::Error` (Write, WriteLine, Flush straight to the stream, bypassing the pipeline, and
 * waiting while the stream is full, as a console write does).
 */
import { win32 } from 'node:path';
import { type CommandIO, encodeText, type OutputStreamName } from './io.ts';
import type { DotNetContext } from './ps-dotnet.ts';
import { DotNetException, HostObject, toText, type Value } from './ps-values.ts';
import { existingDirectory } from './winprocess.ts';

/** `[Console]::Out` or `[Console]::Error`: a TextWriter on the console stream. */
class ConsoleWriter extends HostObject {
  readonly typeName = 'System.IO.TextWriter+SyncTextWriter';
  constructor(
    private readonly io: CommandIO,
    private readonly stream: OutputStreamName,
  ) {
    super();
  }
  property(): Value {
    return null;
  }
  method(name: string, args: readonly Value[]): Promise<Value> | Value | undefined {
    const text = args.map(toText).join('');
    switch (name.toLowerCase()) {
      case 'write':
        return this.write(text);
      case 'writeline':
        return this.write(`${text}\r\n`);
      case 'flush':
        return null;
      default:
        return undefined;
    }
  }

  /** A console write blocks while the pipe is full: WinRS has not received the output yet. */
  private write(text: string): Promise<Value> | null {
    if (text === '' || this.io.write(this.stream, encodeText(this.io, text))) return null;
    return this.io.drained().then(() => null);
  }
}

/** A static property or method of the process's types; undefined when it is none of them. */
export function processMember(ctx: DotNetContext, type: string, name: string): Value | undefined {
  switch (`${type}::${name}`) {
    case '[environment]::currentdirectory':
      return ctx.cwd;
    case '[environment]::machinename':
      // The NetBIOS name, upper case, as COMPUTERNAME holds it.
      return ctx.io.computerName.toUpperCase();
    case '[console]::out':
      return new ConsoleWriter(ctx.io, 'stdout');
    case '[console]::error':
      return new ConsoleWriter(ctx.io, 'stderr');
    default:
      return undefined;
  }
}

/**
 * `target.name = value` for a settable static property; false when the shim has none of that name.
 * Directory.SetCurrentDirectory reports a missing directory as "a part of the path" not found.
 */
export function setProcessMember(ctx: DotNetContext, type: string, name: string, value: Value): boolean {
  if (`${type}::${name}` !== '[environment]::currentdirectory') return false;
  const raw = toText(value);
  if (raw === '')
    throw new DotNetException('ArgumentException', 'Path cannot be the empty string or all whitespace.');
  const target = existingDirectory(ctx.files, ctx.cwd, raw);
  if (!target) {
    const shown = win32.resolve(ctx.cwd, raw);
    throw new DotNetException('DirectoryNotFoundException', `Could not find a part of the path '${shown}'.`);
  }
  ctx.cwd = target.windows;
  return true;
}
