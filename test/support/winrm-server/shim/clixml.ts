/**
 * stderr of powershell.exe started with -EncodedCommand under WinRS: PowerShell serializes its
 * error (and progress) records as CLIXML behind a `#< CLIXML` line, one `<Objs>` document for the
 * whole run (shape of ../shared/winrm-fixtures/pypsrp/clixml/*.xml).
 */

const OBJS_OPEN = '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">';
export const CLIXML_HEADER = `#< CLIXML\r\n${OBJS_OPEN}`;
export const CLIXML_FOOTER = '</Objs>';

/** CLIXML string escaping: XML entities, and control characters as `_xHHHH_` (CR LF → `_x000D__x000A_`). */
export function escapeClixml(text: string): string {
  return text
    .replace(/_x([0-9A-Fa-f]{4})_/g, '_x005F_x$1_')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .split('')
    .map((c) => {
      const code = c.charCodeAt(0);
      return code < 0x20 ? `_x${code.toString(16).toUpperCase().padStart(4, '0')}_` : c;
    })
    .join('');
}

/**
 * The lines PowerShell 5.1 prints for a non-terminating error from Write-Error, one `<S S="Error">`
 * element per line, each ending in CR LF.
 */
export function writeErrorRecord(statement: string, message: string): string {
  return errorLines([
    `${statement} : ${message}`,
    '    + CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorException',
    '    + FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorException',
    ' ',
  ]);
}

/** A terminating error from `throw 'message'`. */
export function throwRecord(statement: string, message: string, at?: ErrorPosition): string {
  return errorRecord(
    message,
    { line: at?.line ?? 1, char: at?.char ?? 1, text: statement },
    `OperationStopped: (${message}:String) [], RuntimeException`,
    message,
  );
}

/** The error for a name that is neither a cmdlet nor a program. */
export function commandNotFoundRecord(name: string, statement: string): string {
  return errorLines([
    `${name} : The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check `,
    'the spelling of the name, or if a path was included, verify that the path is correct and try again.',
    'At line:1 char:1',
    `+ ${statement}`,
    `+ ${'~'.repeat(Math.max(1, name.length))}`,
    `    + CategoryInfo          : ObjectNotFound: (${name}:String) [], CommandNotFoundException`,
    '    + FullyQualifiedErrorId : CommandNotFoundException',
    ' ',
  ]);
}

/** A progress record such as the "Preparing modules for first use." PowerShell emits on start. */
export function progressRecord(refId: number, activity: string): string {
  const typeNames =
    refId === 0
      ? '<TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN>'
      : '<TNRef RefId="0" />';
  return (
    `<Obj S="progress" RefId="${refId}">${typeNames}<MS><I64 N="SourceId">1</I64><PR N="Record">` +
    `<AV>${escapeClixml(activity)}</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR>` +
    '<SD> </SD></PR></MS></Obj>'
  );
}

function errorLines(lines: readonly string[]): string {
  return lines.map((l) => `<S S="Error">${escapeClixml(`${l}\r\n`)}</S>`).join('');
}

/** The same records as plain console text, for PowerShell started without -EncodedCommand. */
export function plainErrorText(lines: string): string {
  return [...lines.matchAll(/<S S="Error">([^<]*)<\/S>/g)]
    .map((m) =>
      (m[1] ?? '')
        .replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&'),
    )
    .join('');
}

/** Where an error happened, for the `At line:… char:…` part of a record. */
export interface ErrorPosition {
  readonly line: number;
  readonly char: number;
  /** The statement's source; its first line is quoted under the position. */
  readonly text: string;
}

/**
 * An error record as PowerShell 5.1 prints it: message, position, the statement underlined,
 * CategoryInfo and FullyQualifiedErrorId.
 */
export function errorRecord(message: string, at: ErrorPosition, category: string, errorId: string): string {
  const text = at.text.split(/\r?\n/)[0] ?? '';
  return errorLines([
    message,
    `At line:${at.line} char:${at.char}`,
    `+ ${text}`,
    `+ ${'~'.repeat(Math.max(1, text.length))}`,
    `    + CategoryInfo          : ${category}`,
    `    + FullyQualifiedErrorId : ${errorId}`,
    ' ',
  ]);
}

/** What a script PowerShell cannot parse writes. */
export function parserErrorRecord(message: string): string {
  return `<S S="Error">At line:1 char:1_x000D__x000A_</S><S S="Error">${message.replace(/[<&>]/g, '')}_x000D__x000A_</S>`;
}

/** `& x` where x is no command or script block. */
export function notInvocable(): string {
  return '<S S="Error">The expression after \'&amp;\' in a pipeline element produced an object that was not valid. It must result in a command name, a script block, or a CommandInfo object._x000D__x000A_</S>';
}
