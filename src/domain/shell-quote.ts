/**
 * Quoting a string so a shell reads it back literally: POSIX sh, PowerShell and cmd. Pure; used
 * by the connectors (environment, working directory) and by job parameter substitution.
 */

/** Quotes a string for a POSIX shell: `it's` → `'it'\''s'`. */
export function shQuote(value: string): string {
  if (value.includes('\0')) throw new TypeError('a quoted value must not contain a NUL character');
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** A single-quoted PowerShell string literal. PowerShell also treats the typographic quotes ‘ ’ ‚ ‛ as quotes. */
export function powershellQuote(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** Characters cmd acts on even inside double quotes (`%` expansion, delayed `!` expansion), or that end them. */
const CMD_UNSAFE = /["%!\r\n\0]/;

/** The first character of `value` that cmd would act on inside double quotes, or undefined. */
export function cmdUnsafeCharacter(value: string): string | undefined {
  return CMD_UNSAFE.exec(value)?.[0];
}
