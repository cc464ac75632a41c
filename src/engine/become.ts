/** `become` steps: commands through sudo as another user, with their environment and secrets. */
import { ConnectorError, FailureKind, STDIN_LINE_VAR } from '../connectors/connector.ts';
import { SECRET_LINE_DECODER, SECRET_LINE_VAR } from '../domain/secret-env.ts';
import { shQuote } from '../domain/shell-quote.ts';
import { renderEnv } from './step-env.ts';
import type { StepAttempt } from './steps.ts';

/**
 * `become`: the command through sudo as `user`. With a login password, sudo reads it from the
 * channel (`-S`, no prompt), never from the command line; otherwise sudo must not ask (`-n`).
 * The step's environment goes inside, since sudo starts commands with a clean one. `input` (a
 * shell command) feeds the command's stdin after the password line: sudo reads the password a
 * byte at a time up to its newline and leaves the rest to the command. Secret variables, which
 * sudo's clean environment would drop, follow the password as the encoded line the outer
 * wrapper kept in $ORCA_SECRETS: the inner shell reads and exports them the same way.
 */
export async function asUser(
  a: StepAttempt,
  user: string,
  command: string,
  secretEnv: Readonly<Record<string, string>> | undefined,
  input?: string,
): Promise<{ command: string; stdinLine: string | undefined }> {
  if (a.os === 'windows') {
    throw new ConnectorError(
      FailureKind.protocol,
      `become (sudo) is for Linux hosts; ${a.hostName} is Windows: give its account the rights the step needs`,
    );
  }
  const { env } = 'env' in a.step ? renderEnv(a.step.env, a.context) : { env: undefined };
  const exports = Object.entries(env ?? {})
    .map(([k, v]) => `export ${k}=${shQuote(v)}; `)
    .join('');
  const secrets = secretEnv !== undefined && Object.keys(secretEnv).length > 0;
  const inner = shQuote(`${secrets ? `${SECRET_LINE_DECODER}; ` : ''}${exports}${command}`);
  const password = await a.becomePassword();
  const sudo = `-u ${shQuote(user)} -- sh -c ${inner}`;
  const secretLine = secrets ? `printf '%s\\n' "$${SECRET_LINE_VAR}"` : null;
  if (password !== null && !/[\r\n\0]/.test(password)) {
    const feed = [`printf '%s\\n' "$${STDIN_LINE_VAR}"`, secretLine, input].filter(Boolean).join('; ');
    return { command: `{ ${feed}; } | sudo -S -p '' ${sudo}`, stdinLine: password };
  }
  const feed = [secretLine, input].filter(Boolean).join('; ');
  return { command: `${feed ? `{ ${feed}; } | ` : ''}sudo -n ${sudo}`, stdinLine: undefined };
}

/** An interpreter reading its script from stdin (fd 0: a pipe the other user cannot reopen by path). */
export function stdinScript(interpreter: string | null): string {
  if (interpreter === null) return 'sh -s';
  return /(^|\/)(ba|da|z|k|mk)?sh$/.test(interpreter.trim()) ? `${interpreter} -s` : `${interpreter} -`;
}
