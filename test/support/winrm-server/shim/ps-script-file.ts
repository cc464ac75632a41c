/**
 * `& 'C:\path\script.ps1'`: PowerShell runs a `.ps1` file as a script. Its `exit N` ends only the
 * script and sets `$LASTEXITCODE` (and `$?`) in the caller, which goes on; a missing file is
 * "not recognized", like an unknown command. Files are read from the shim's file root, with an
 * optional UTF-8 byte order mark, as Windows PowerShell reads them.
 */
import { readFile } from 'node:fs/promises';
import { commandNotFoundRecord, parserErrorRecord } from './clixml.ts';
import type { PsRun } from './ps-eval.ts';
import { PsSyntaxError } from './ps-lexer.ts';
import { parseScript } from './ps-parser.ts';
import { DotNetException, ExitSignal } from './ps-values.ts';
import { mapWindowsPath } from './winpath.ts';

export async function invokeScriptFile(run: PsRun, path: string, statement: string): Promise<void> {
  let text: string | null = null;
  if (/\.ps1$/i.test(path)) {
    try {
      const mapped = mapWindowsPath(run.dotnet.files, path, run.location);
      text = (await readFile(mapped.host, 'utf8')).replace(/^\uFEFF/, '');
    } catch (e) {
      if (!(e instanceof DotNetException) && (e as NodeJS.ErrnoException).code === undefined) throw e;
    }
  }
  if (text === null) {
    run.writeError(commandNotFoundRecord(path, statement));
    run.lastOk = false;
    return;
  }
  let body: ReturnType<typeof parseScript>;
  try {
    body = parseScript(text);
  } catch (e) {
    if (!(e instanceof PsSyntaxError)) throw e;
    run.writeError(parserErrorRecord(e.message));
    run.lastOk = false;
    return;
  }
  try {
    await run.runScript(body);
    run.lastOk = true;
  } catch (e) {
    if (!(e instanceof ExitSignal)) throw e;
    run.vars.set('lastexitcode', e.code);
    run.lastOk = e.code === 0;
  }
}
