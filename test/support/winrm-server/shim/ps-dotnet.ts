/**
 * The .NET members the shim implements, with real effects on this machine: `[scriptblock]::Create`,
 * `[Convert]::FromBase64String/ToBase64String`, `[Text.Encoding]::X.GetString/GetBytes`,
 * `[Array]::CreateInstance([byte], n)`, `[Console]::In` (ReadLine, ReadToEnd over the command's
 * stdin), `[IO.File]::Open/Exists/Delete/Move/Replace` and the FileStream Open returns (Read,
 * Write, Flush, Close, Dispose, Length, Name; FileShare is accepted, as Linux has no share modes),
 * and those of ps-dotnet-process.ts and ps-dotnet-directory.ts. Paths map as winpath.ts says, relative ones from the process's directory.
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { CommandIO } from './io.ts';
import { directoryMember } from './ps-dotnet-directory.ts';
import { processMember, setProcessMember } from './ps-dotnet-process.ts';
import { parseScript } from './ps-parser.ts';
import {
  DotNetException,
  HostObject,
  ScriptBlock,
  TerminatingError,
  toInt,
  toText,
  type Value,
} from './ps-values.ts';
import { type FileRoot, fileException, type MappedPath, mapWindowsPath } from './winpath.ts';

/** What members see of the running powershell.exe. */
export interface DotNetContext {
  readonly io: CommandIO;
  readonly files: FileRoot | null;
  /** `[Environment]::CurrentDirectory`, a Windows path: where relative paths of file members start. */
  cwd: string;
  /** Handles the process holds; closed when it exits, as Windows does. */
  readonly handles: Set<FileStreamObject>;
  /** `[Console]::In`, one per process. */
  readonly consoleIn: ConsoleReader;
}

export class FileStreamObject extends HostObject {
  readonly typeName = 'System.IO.FileStream';
  #fd: number | null;
  constructor(
    private readonly ctx: DotNetContext,
    readonly path: MappedPath,
    fd: number,
    private readonly writable: boolean,
    private readonly readable: boolean,
  ) {
    super();
    this.#fd = fd;
    ctx.handles.add(this);
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    this.ctx.handles.delete(this);
  }

  property(name: string): Value {
    switch (name.toLowerCase()) {
      case 'name':
        return this.path.windows;
      case 'length':
        return fstatSync(this.fd()).size;
      case 'canwrite':
        return this.#fd !== null && this.writable;
      default:
        return null;
    }
  }

  method(name: string, args: readonly Value[]): Value | undefined {
    switch (name.toLowerCase()) {
      case 'write': {
        const { buffer, at, n } = bufferRange(args);
        if (!this.writable)
          throw new DotNetException('NotSupportedException', 'Stream does not support writing.');
        const fd = this.fd();
        for (let done = 0; done < n; ) done += writeSync(fd, buffer, at + done, n - done);
        return null;
      }
      case 'read': {
        const { buffer, at, n } = bufferRange(args);
        if (!this.readable)
          throw new DotNetException('NotSupportedException', 'Stream does not support reading.');
        return readSync(this.fd(), buffer, at, n, null);
      }
      case 'flush':
        this.fd();
        return null;
      case 'close':
      case 'dispose':
        this.close();
        return null;
      default:
        return undefined;
    }
  }

  private fd(): number {
    if (this.#fd === null)
      throw new DotNetException('ObjectDisposedException', 'Cannot access a closed file.');
    return this.#fd;
  }
}

/** `[Console]::In` of a process whose stdin is the WinRS stdin stream (UTF-8 under code page 65001). */
export class ConsoleReader extends HostObject {
  readonly typeName = 'System.IO.TextReader+SyncTextReader';
  constructor(private readonly io: CommandIO) {
    super();
  }
  property(): Value {
    return null;
  }
  method(name: string): Promise<Value> | undefined {
    const encoding = this.io.codepage === 65001 ? 'utf8' : 'latin1';
    switch (name.toLowerCase()) {
      case 'readline':
        return this.io.stdin.readLine(this.io.abort).then((line) => line?.toString(encoding) ?? null);
      case 'readtoend':
        return this.io.stdin.readAll(this.io.abort).then((data) => data.toString(encoding));
      default:
        return undefined;
    }
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `target.name(args)` (or `target.name` when `args` is undefined) for a type literal or a plain value. */
export function member(
  ctx: DotNetContext,
  target: Value,
  name: string,
  args: readonly Value[] | undefined,
): Value | Promise<Value> {
  const n = name.toLowerCase();
  const arg = (i: number): Value => args?.[i] ?? null;
  if (target instanceof HostObject) {
    if (args === undefined) return target.property(name);
    const result = target.method(name, args);
    if (result !== undefined) return result;
    return unsupported(`${target.typeName}.${name}()`);
  }
  const t = typeKey(target);
  const own = args === undefined ? processMember(ctx, t, n) : directoryMember(ctx, t, n, args);
  if (own !== undefined) return own;
  switch (`${t}::${n}`) {
    case '[scriptblock]::create':
      return new ScriptBlock(parseScript(toText(arg(0))));
    case '[convert]::frombase64string': {
      const text = toText(arg(0)).replace(/[\s]/g, '');
      if (text.length % 4 !== 0) {
        throw new DotNetException('FormatException', 'Invalid length for a Base-64 char array or string.');
      }
      if (!BASE64.test(text)) {
        throw new DotNetException(
          'FormatException',
          'The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters. ',
        );
      }
      return Buffer.from(text, 'base64');
    }
    case '[convert]::tobase64string': {
      const bytes = arg(0);
      if (!Buffer.isBuffer(bytes))
        throw new DotNetException('ArgumentNullException', 'Value cannot be null.');
      const at = args && args.length > 1 ? toInt(arg(1)) : 0;
      const n = args && args.length > 2 ? toInt(arg(2)) : bytes.length - at;
      if (at < 0 || n < 0 || at + n > bytes.length) {
        throw new DotNetException('ArgumentOutOfRangeException', 'Index was out of range.');
      }
      return bytes.subarray(at, at + n).toString('base64');
    }
    case '[array]::createinstance': {
      if (!['[byte]', '[system.byte]'].includes(toText(arg(0)).toLowerCase())) {
        return unsupported(`[Array]::CreateInstance of ${toText(arg(0))}`);
      }
      const length = toInt(arg(1));
      if (length < 0)
        throw new DotNetException('ArgumentOutOfRangeException', 'Non-negative number required.');
      return Buffer.alloc(length);
    }
    case '[text.encoding]::unicode':
    case '[text.encoding]::utf8':
    case '[text.encoding]::ascii':
      return `encoding:${n}`;
    case '[console]::in':
      return ctx.consoleIn;
    case '[io.file]::open':
      if (args?.[3] !== undefined) enumValue(SHARE, toText(arg(3)), 'FileShare');
      return openFile(
        ctx,
        toText(arg(0)),
        toText(arg(1)),
        args?.[2] === undefined ? undefined : toText(arg(2)),
      );
    case '[io.file]::exists': {
      try {
        return statSync(mapWindowsPath(ctx.files, toText(arg(0)), ctx.cwd).host).isFile();
      } catch {
        return false;
      }
    }
    case '[io.file]::delete':
      return deleteFile(ctx, toText(arg(0)));
    case '[io.file]::move':
      return moveFile(ctx, toText(arg(0)), toText(arg(1)));
    case '[io.file]::replace':
      return replaceFile(ctx, toText(arg(0)), toText(arg(1)), arg(2) === null ? null : toText(arg(2)));
  }
  if (t.startsWith('encoding:') && (n === 'getstring' || n === 'getbytes')) {
    const kind = t.slice('encoding:'.length);
    const encoding = kind === 'unicode' ? 'utf16le' : kind === 'utf8' ? 'utf8' : 'latin1';
    // .NET's ASCII encoding turns what it cannot encode into '?'.
    if (n === 'getbytes')
      return Buffer.from(
        kind === 'ascii' ? toText(arg(0)).replace(/[^\p{ASCII}]/gu, '?') : toText(arg(0)),
        encoding,
      );
    if (Buffer.isBuffer(arg(0))) return (arg(0) as Buffer).toString(encoding);
  }
  if (n === 'length' && args === undefined)
    return Buffer.isBuffer(target) ? target.length : toText(target).length;
  return unsupported(`${t}.${name}${args === undefined ? '' : '()'}`);
}

/** `[System.IO.File]` and `[IO.File]` alike, lower-case; other values as their text. */
export function typeKey(target: Value): string {
  return toText(target)
    .toLowerCase()
    .replace(/^\[system\./, '[');
}

/** `target.name = value`: only the settable properties of ps-dotnet-process.ts. */
export function setMember(ctx: DotNetContext, target: Value, name: string, value: Value): null {
  if (!setProcessMember(ctx, typeKey(target), name.toLowerCase(), value)) unsupported(`setting ${name}`);
  return null;
}

function unsupported(what: string): never {
  throw new TerminatingError(
    `<S S="Error">The orca WinRM test shim does not support ${what}._x000D__x000A_</S>`,
  );
}

const MODES: Readonly<Record<string, number>> = {
  createnew: constants.O_CREAT | constants.O_EXCL,
  create: constants.O_CREAT | constants.O_TRUNC,
  open: 0,
  openorcreate: constants.O_CREAT,
  truncate: constants.O_TRUNC,
  append: constants.O_CREAT | constants.O_APPEND,
};
const ACCESS: Readonly<Record<string, number>> = {
  read: constants.O_RDONLY,
  write: constants.O_WRONLY,
  readwrite: constants.O_RDWR,
};

/** Accepted and checked, not enforced: Linux has no share modes. */
const SHARE: Readonly<Record<string, number>> = { none: 0, read: 1, write: 2, readwrite: 3, delete: 4 };

function enumValue(table: Readonly<Record<string, number>>, text: string, type: string): number {
  const value = table[text.toLowerCase()];
  if (value === undefined) {
    throw new DotNetException(
      'PSInvalidCastException',
      `Cannot convert value "${text}" to type "System.IO.${type}". Error: "Unable to match the identifier name ${text} to a valid enumerator name. Specify one of the following enumerator names and try again: ${Object.keys(table).join(', ')}"`,
    );
  }
  return value;
}

function openFile(
  ctx: DotNetContext,
  rawPath: string,
  mode: string,
  access: string | undefined,
): FileStreamObject {
  const path = mapWindowsPath(ctx.files, rawPath, ctx.cwd);
  const flags = enumValue(MODES, mode, 'FileMode');
  const accessText = access ?? (mode.toLowerCase() === 'append' ? 'Write' : 'ReadWrite');
  const accessFlags = enumValue(ACCESS, accessText, 'FileAccess');
  try {
    const fd = openSync(path.host, flags | accessFlags, 0o644);
    return new FileStreamObject(
      ctx,
      path,
      fd,
      accessFlags !== constants.O_RDONLY,
      accessFlags !== constants.O_WRONLY,
    );
  } catch (error) {
    throw fileException(error, path, existsSync(dirname(path.host)) ? 'file' : 'directory');
  }
}

function deleteFile(ctx: DotNetContext, rawPath: string): null {
  const path = mapWindowsPath(ctx.files, rawPath, ctx.cwd);
  if (!existsSync(dirname(path.host))) throw fileException({ code: 'ENOENT' }, path, 'directory');
  try {
    if (statSync(path.host, { throwIfNoEntry: false })?.isDirectory()) throw { code: 'EACCES' };
    unlinkSync(path.host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileException(error, path, 'file');
  }
  return null;
}

function moveFile(ctx: DotNetContext, from: string, to: string): null {
  const source = mapWindowsPath(ctx.files, from, ctx.cwd);
  const target = mapWindowsPath(ctx.files, to, ctx.cwd);
  if (!statSync(source.host, { throwIfNoEntry: false })?.isFile())
    throw fileException({ code: 'ENOENT' }, source, 'file');
  // .NET Framework's File.Move never replaces an existing file.
  if (existsSync(target.host))
    throw new DotNetException('IOException', 'Cannot create a file when that file already exists.');
  try {
    renameSync(source.host, target.host);
  } catch (error) {
    throw fileException(error, target, 'directory');
  }
  return null;
}

function replaceFile(ctx: DotNetContext, from: string, to: string, backup: string | null): null {
  const source = mapWindowsPath(ctx.files, from, ctx.cwd);
  const target = mapWindowsPath(ctx.files, to, ctx.cwd);
  for (const p of [source, target]) {
    if (!statSync(p.host, { throwIfNoEntry: false })?.isFile()) {
      throw new DotNetException('FileNotFoundException', 'Unable to find the specified file.');
    }
  }
  try {
    if (backup !== null) renameSync(target.host, mapWindowsPath(ctx.files, backup, ctx.cwd).host);
    renameSync(source.host, target.host);
  } catch (error) {
    throw fileException(error, target, 'file');
  }
  return null;
}

/** The (buffer, offset, count) arguments of Stream.Read and Stream.Write, checked as .NET does. */
function bufferRange(args: readonly Value[]): { buffer: Buffer; at: number; n: number } {
  const [buffer, offset, count] = args;
  if (!Buffer.isBuffer(buffer)) throw new DotNetException('ArgumentNullException', 'Buffer cannot be null.');
  const at = toInt(offset ?? 0);
  const n = toInt(count ?? buffer.length);
  if (at < 0 || n < 0 || at + n > buffer.length) {
    throw new DotNetException(
      'ArgumentException',
      'Offset and length were out of bounds for the array or count is greater than the number of elements from index to the end of the source collection.',
    );
  }
  return { buffer, at, n };
}
