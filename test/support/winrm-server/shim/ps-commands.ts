/** The cmdlets and programs the PowerShell shim implements itself; anything else is 'unknown'. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, rmdir, stat } from 'node:fs/promises';
import { errorRecord, writeErrorRecord } from './clixml.ts';
import { writeText } from './io.ts';
import { type PsRun, TerminatingError, toText, type Value } from './ps-eval.ts';
import { getLocation, setLocation } from './ps-location.ts';
import { DotNetException, PropertyBag } from './ps-values.ts';
import { mapWindowsPath } from './winpath.ts';

/** `sleep` as a real child process, so that terminate has a process to kill and stats see it. */
export type Sleeper = (run: PsRun, seconds: number) => Promise<void>;

export function psCommands(deps: { sleep: Sleeper; cmd: (run: PsRun, line: string) => Promise<number> }) {
  return async (
    run: PsRun,
    rawName: string,
    args: readonly Value[],
    source: string,
  ): Promise<boolean | 'unknown'> => {
    const name = rawName.toLowerCase().replace(/\.exe$/, '');
    switch (name) {
      case 'write-output':
      case 'echo':
      case 'write': {
        for (const a of positional(args, ['-inputobject'], ['-noenumerate'])) {
          run.emit(a);
        }
        return true;
      }
      case 'write-host': {
        const noNewline = args.some((a) => isParam(a, '-nonewline'));
        const text = positional(
          args,
          ['-object', '-separator', '-foregroundcolor', '-backgroundcolor'],
          ['-nonewline'],
        )
          .map(toText)
          .join(' ');
        // Recorded from Windows: Write-Host ends its line with LF alone, in a separate chunk.
        writeText(run.io, 'stdout', text);
        if (!noNewline) writeText(run.io, 'stdout', '\n');
        return true;
      }
      case 'write-error': {
        const stop = run.errorActionStop || hasParamValue(args, '-erroraction', 'stop');
        const message = positional(args, ['-message', '-erroraction', '-category'], []).map(toText).join(' ');
        const record = writeErrorRecord(source, message);
        if (stop) throw new TerminatingError(record);
        run.writeError(record);
        return false;
      }
      case 'start-sleep':
      case 'sleep': {
        const ms = args.findIndex((a) => isParam(a, '-milliseconds') || isParam(a, '-m'));
        const values = positional(args, ['-seconds', '-s', '-milliseconds', '-m'], []);
        let seconds = Number(toText(values[0] ?? 0));
        if (ms >= 0) seconds = Number(toText(args[ms + 1] ?? 0)) / 1000;
        await deps.sleep(run, Number.isFinite(seconds) ? seconds : 0);
        return true;
      }
      case 'whoami':
        writeText(run.io, 'stdout', `${run.io.identity}\r\n`);
        run.vars.set('lastexitcode', 0);
        return true;
      case 'hostname':
        writeText(run.io, 'stdout', `${run.io.computerName}\r\n`);
        run.vars.set('lastexitcode', 0);
        return true;
      case 'cmd': {
        const code = await deps.cmd(run, source);
        run.vars.set('lastexitcode', code);
        return code === 0;
      }
      case 'get-filehash':
        return getFileHash(run, args);
      case 'remove-item':
      case 'del':
      case 'rm':
        return removeItem(run, args);
      case 'get-ciminstance':
      case 'gcim':
        return getCimInstance(run, args);
      case 'set-location':
      case 'cd':
      case 'sl':
      case 'chdir':
        return setLocation(run, args);
      case 'get-location':
      case 'gl':
      case 'pwd':
        return getLocation(run);
      case 'out-null':
      case 'set-strictmode':
        return true;
      default:
        return 'unknown';
    }
  };
}

const HASHES: Readonly<Record<string, string>> = {
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  md5: 'md5',
};

/** Get-FileHash [-Path|-LiteralPath] path [-Algorithm name]: reads the file back from disk. */
async function getFileHash(run: PsRun, args: readonly Value[]): Promise<boolean> {
  let algorithm = 'SHA256';
  let path: Value = null;
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? null;
    if (isParam(a, '-algorithm')) algorithm = toText(args[++i] ?? null).toUpperCase();
    else if (isParam(a, '-path') || isParam(a, '-literalpath')) path = args[++i] ?? null;
    else path = a;
  }
  const fail = (message: string, category: string, id: string): false =>
    run.cmdletError(errorRecord(`Get-FileHash : ${message}`, run.at, category, id));
  const hash = HASHES[algorithm.toLowerCase()];
  if (!hash) {
    return fail(
      `Cannot validate argument on parameter 'Algorithm'. The argument "${algorithm}" does not belong to the set "SHA1,SHA256,SHA384,SHA512,MACTripleDES,MD5,RIPEMD160".`,
      'InvalidData: (:) [Get-FileHash], ParameterBindingValidationException',
      'ParameterArgumentValidationError,Get-FileHash',
    );
  }
  let mapped: ReturnType<typeof mapWindowsPath>;
  try {
    mapped = mapWindowsPath(run.dotnet.files, toText(path), run.location);
  } catch (e) {
    if (!(e instanceof DotNetException)) throw e;
    return fail(e.message, 'InvalidArgument: (:) [Get-FileHash], ArgumentException', 'Argument,Get-FileHash');
  }
  const digest = createHash(hash);
  try {
    for await (const chunk of createReadStream(mapped.host)) digest.update(chunk as Buffer);
  } catch {
    return fail(
      `Cannot find path '${mapped.windows}' because it does not exist.`,
      `ObjectNotFound: (${mapped.windows}:String) [Get-FileHash], ItemNotFoundException`,
      'PathNotFound,Get-FileHash',
    );
  }
  run.emit(
    new PropertyBag('Microsoft.Powershell.Utility.FileHash', {
      Algorithm: algorithm,
      Hash: digest.digest('hex').toUpperCase(),
      Path: mapped.windows,
    }),
  );
  return true;
}

/**
 * Remove-Item [-Path|-LiteralPath] path [-Recurse] [-Force] [-ErrorAction action]: a file, or a
 * directory (a non-empty one only with -Recurse). A missing path is an error unless the action is
 * SilentlyContinue or Ignore.
 */
async function removeItem(run: PsRun, args: readonly Value[]): Promise<boolean> {
  let path: Value = null;
  let recurse = false;
  let action = '';
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? null;
    if (isParam(a, '-path') || isParam(a, '-literalpath')) path = args[++i] ?? null;
    else if (isParam(a, '-erroraction') || isParam(a, '-ea'))
      action = toText(args[++i] ?? null).toLowerCase();
    else if (isParam(a, '-recurse')) recurse = true;
    else if (isParam(a, '-force')) continue;
    else path = a;
  }
  const quiet = action === 'silentlycontinue' || action === 'ignore';
  const fail = (message: string, category: string, id: string): false =>
    quiet ? false : run.cmdletError(errorRecord(`Remove-Item : ${message}`, run.at, category, id), args);
  let mapped: ReturnType<typeof mapWindowsPath>;
  try {
    mapped = mapWindowsPath(run.dotnet.files, toText(path), run.location);
  } catch (e) {
    if (!(e instanceof DotNetException)) throw e;
    return fail(e.message, 'InvalidArgument: (:) [Remove-Item], ArgumentException', 'Argument,Remove-Item');
  }
  const info = await stat(mapped.host).catch(() => null);
  if (!info) {
    return fail(
      `Cannot find path '${mapped.windows}' because it does not exist.`,
      `ObjectNotFound: (${mapped.windows}:String) [Remove-Item], ItemNotFoundException`,
      'PathNotFound,Microsoft.PowerShell.Commands.RemoveItemCommand',
    );
  }
  try {
    if (info.isDirectory() && !recurse) await rmdir(mapped.host);
    else await rm(mapped.host, { recursive: true, force: true });
  } catch {
    return fail(
      `The item at ${mapped.windows} has children and the Recurse parameter was not specified.`,
      `WriteError: (${mapped.windows}:DirectoryInfo) [Remove-Item], IOException`,
      'DirectoryNotEmpty,Microsoft.PowerShell.Commands.RemoveItemCommand',
    );
  }
  return true;
}

/**
 * Get-CimInstance [-ClassName] Win32_OperatingSystem: the properties fact gathering reads, with
 * the values of a Windows Server 2022 Datacenter (x64); other classes fail as Windows reports it.
 */
function getCimInstance(run: PsRun, args: readonly Value[]): boolean {
  const values = positional(args, ['-classname', '-namespace'], []);
  const className = toText(values[0] ?? null);
  if (className.toLowerCase() !== 'win32_operatingsystem') {
    return run.cmdletError(
      errorRecord(
        'Get-CimInstance : Invalid class ',
        run.at,
        `MetadataError: (root\\cimv2:${className}:String) [Get-CimInstance], CimException`,
        'HRESULT 0x80041010,Microsoft.Management.Infrastructure.CimCmdlets.GetCimInstanceCommand',
      ),
    );
  }
  run.emit(
    new PropertyBag('Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_OperatingSystem', {
      Caption: 'Microsoft Windows Server 2022 Datacenter',
      Version: '10.0.20348',
      BuildNumber: '20348',
      OSArchitecture: '64-bit',
      CSName: run.io.computerName.toUpperCase(),
    }),
  );
  return true;
}

function isParam(v: Value, name: string): boolean {
  return typeof v === 'string' && v.toLowerCase() === name;
}

function hasParamValue(args: readonly Value[], name: string, value: string): boolean {
  const i = args.findIndex((a) => isParam(a, name));
  return i >= 0 && toText(args[i + 1] ?? null).toLowerCase() === value;
}

/**
 * Arguments that are not parameter names: values of `named` parameters are kept (they are what
 * -Message/-Object/-Seconds name), except for -ForegroundColor and the like, which are dropped.
 */
function positional(args: readonly Value[], named: readonly string[], switches: readonly string[]): Value[] {
  const dropValue = new Set([
    '-foregroundcolor',
    '-backgroundcolor',
    '-separator',
    '-erroraction',
    '-category',
  ]);
  const out: Value[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] ?? null;
    const lower = typeof a === 'string' ? a.toLowerCase() : '';
    if (switches.includes(lower)) continue;
    if (named.includes(lower)) {
      if (!dropValue.has(lower) && i + 1 < args.length) out.push(args[i + 1] ?? null);
      i += 1;
      continue;
    }
    out.push(a);
  }
  return out;
}
