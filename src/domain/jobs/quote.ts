/**
 * Values as literal shell text for the shell that runs a step: POSIX sh, PowerShell or cmd. The
 * string quoting itself is the connectors' (one copy each); this adds cmd arguments, numbers,
 * booleans and lists. Pure.
 */

import { ErrorCode, OrcaError } from '../errors.ts';
import { cmdUnsafeCharacter, powershellQuote as psQuote, shQuote } from '../shell-quote.ts';
import type { ParamValue } from './types.ts';

export const SHELLS = ['sh', 'powershell', 'cmd'] as const;
/** The language a step's command text is written in. */
export type Shell = (typeof SHELLS)[number];

/**
 * One string as one literal word: sh `'it'\''s'`; PowerShell `'it''s'` (also doubling ‘ ’ ‚ ‛);
 * cmd `"C:\dir\\"` (trailing backslashes doubled so the program's argument parser keeps the
 * closing quote). `what` names the value in errors (`parameters.path`). Refuses NUL everywhere,
 * and for cmd the characters it acts on even inside double quotes: `"`, `%`, `!`, CR, LF.
 */
export function quoteFor(shell: Shell, value: string, what = 'the value'): string {
  if (value.includes('\0'))
    throw refusal(what, 'contains a NUL character, which would cut the command short');
  switch (shell) {
    case 'sh':
      return shQuote(value);
    case 'powershell':
      return psQuote(value);
    case 'cmd': {
      const bad = cmdUnsafeCharacter(value);
      if (bad !== undefined) {
        throw refusal(
          what,
          `cannot be passed to cmd safely: it contains ${JSON.stringify(bad)}, which cmd acts on even inside double quotes (", %, !, CR, LF and NUL are refused); run the step with PowerShell to pass such values`,
        );
      }
      return `"${value.replace(/\\+$/, (slashes) => slashes + slashes)}"`;
    }
  }
}

/**
 * A typed value as shell text. Strings are quoted ({@link quoteFor}); numbers are plain literals;
 * booleans `true`/`false` (PowerShell `$true`/`$false`); lists are separate quoted words in sh and
 * cmd and an array literal `@('a', 'b')` in PowerShell; null (no exit code) is an empty string.
 */
export function quoteValue(shell: Shell, value: ParamValue | null, what = 'the value'): string {
  if (value === null) return quoteFor(shell, '', what);
  if (typeof value === 'string') return quoteFor(shell, value, what);
  if (typeof value === 'number') return numberLiteral(value, what);
  if (typeof value === 'boolean') return shell === 'powershell' ? `$${value}` : `${value}`;
  const words = value.map((item: string | number, i) =>
    typeof item === 'number' ? numberLiteral(item, `${what}[${i}]`) : quoteFor(shell, item, `${what}[${i}]`),
  );
  return shell === 'powershell' ? `@(${words.join(', ')})` : words.join(' ');
}

// Only digits, '.', '-', '+' and 'e' (`1e+21`): nothing any of the three shells acts on.
function numberLiteral(n: number, what: string): string {
  if (!Number.isFinite(n)) throw refusal(what, `is ${n}, which is not a number a shell can be given`);
  return String(n);
}

function refusal(what: string, message: string): OrcaError {
  return new OrcaError(ErrorCode.validation, `${what} ${message}`, [{ path: what, message }]);
}
