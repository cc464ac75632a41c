/**
 * Secret values reach a command as environment variables that never appear in its command text,
 * so no process list on the host shows them. On a POSIX host they travel on the channel's stdin
 * as one line, {@link encodeSecretLine}, which the wrapper reads and {@link SECRET_LINE_DECODER}
 * turns back into exported variables with shell builtins only (`read`, `printf`, `export`): dash,
 * bash, busybox ash and ksh alike. Pure.
 */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The shell variable that holds the encoded line (not exported). */
export const SECRET_LINE_VAR = 'ORCA_SECRETS';

/** The variable a secret reference of the parameter or step output `label` is read from. */
export function secretVariable(label: string): string {
  return `ORCA_SECRET_${label.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/**
 * `NAME=ENC NAME=ENC …`: each value as printf format text in which every byte but a letter or a
 * digit is a three-digit octal escape (`\047`), so the line holds no space, quote, `%`, newline
 * or glob character whatever the value. Values must not contain NUL (no variable can hold one).
 */
export function encodeSecretLine(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      if (!NAME.test(name)) throw new TypeError(`${JSON.stringify(name)} is not a variable name`);
      if (value.includes('\0')) throw new TypeError(`the value of ${name} must not contain a NUL character`);
      let enc = '';
      for (const byte of Buffer.from(value, 'utf8')) {
        const c = String.fromCharCode(byte);
        enc += /[A-Za-z0-9]/.test(c) ? c : `\\${byte.toString(8).padStart(3, '0')}`;
      }
      return `${name}=${enc}`;
    })
    .join(' ');
}

/** Inverse of {@link encodeSecretLine}, for tests and test servers. */
export function decodeSecretLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of line.split(' ').filter(Boolean)) {
    const at = word.indexOf('=');
    const bytes: number[] = [];
    const enc = word.slice(at + 1);
    for (let i = 0; i < enc.length; i++) {
      if (enc[i] === '\\') {
        bytes.push(Number.parseInt(enc.slice(i + 1, i + 4), 8));
        i += 3;
      } else bytes.push(enc.charCodeAt(i));
    }
    out[word.slice(0, at)] = Buffer.from(bytes).toString('utf8');
  }
  return out;
}

/**
 * Shell text (one line, no user data) that reads the encoded line from stdin into
 * {@link SECRET_LINE_VAR} and exports each variable. `printf` runs in a `$( )` subshell, a fork of
 * this shell (builtins are not exec'd), so its arguments show in no process list; the `x` keeps
 * the value's trailing newlines, which `$( )` would strip.
 */
export const SECRET_LINE_DECODER = [
  `IFS= read -r ${SECRET_LINE_VAR}`,
  `for orca_kv in $${SECRET_LINE_VAR}; do orca_v=$(printf "\${orca_kv#*=}x"); export "\${orca_kv%%=*}=\${orca_v%x}"; done`,
  'unset orca_kv orca_v',
].join('; ');
